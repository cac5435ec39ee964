import Database from 'better-sqlite3';
import type { Projection } from '../../src/projections/index.js';

/** The error better-sqlite3 throws when a write finds the disk full. */
export const diskFull = () => new Database.SqliteError('database or disk is full', 'SQLITE_FULL');

/** A fault a test switches on and off, and the writes it failed. */
export interface WriteFault {
  on: boolean;
  failed: number;
}
export const writeFault = (): WriteFault => ({ on: false, failed: 0 });

/**
 * The projection, each batch's write failing as on a full disk while the fault is on: the write
 * (endBatch, or apply for a projection that writes as it applies) throws inside the batch's
 * transaction, which rolls back, as SQLite's own SQLITE_FULL would.
 */
export const failingWrites = (projection: Projection, fault: WriteFault): Projection => {
  const fail = () => {
    fault.failed += 1;
    throw diskFull();
  };
  return projection.appliesInMemory
    ? {
        ...projection,
        endBatch: (db, ctx, end) => {
          if (fault.on) fail();
          return projection.endBatch?.(db, ctx, end);
        },
      }
    : {
        ...projection,
        apply: (db, event, ctx) => {
          if (fault.on) fail();
          projection.apply(db, event, ctx);
        },
      };
};
