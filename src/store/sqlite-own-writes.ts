import type Database from 'better-sqlite3';

/** Streams remembered at most; one forgotten is only read again. */
const DEFAULT_CAPACITY = 20_000;

/**
 * The last revision this connection appended to each stream. SQLite's `PRAGMA data_version`
 * changes with every commit of another connection (another process, or another store object on
 * the same file) and never with this connection's own: each write transaction looks at it first
 * and forgets everything when it moved. Inside a write transaction the revisions are therefore
 * exact; between two, another process may have appended since the last look.
 */
export const createOwnWrites = (db: Database.Database, capacity = DEFAULT_CAPACITY) => {
  const dataVersion = db.prepare<[], bigint>('PRAGMA data_version').pluck();
  const revisions = new Map<string, bigint>();
  let seen = dataVersion.get();
  return {
    /** First thing in a write transaction: forgets what another connection may have changed. */
    look() {
      const version = dataVersion.get();
      if (version !== seen) {
        revisions.clear();
        seen = version;
      }
    },
    /** Only after the transaction that wrote `revision` has committed. */
    written(stream: string, revision: bigint) {
      // Re-inserted so that the map iterates least recently written first.
      revisions.delete(stream);
      revisions.set(stream, revision);
      if (revisions.size > capacity) revisions.delete(revisions.keys().next().value!);
    },
    revision: (stream: string): bigint | undefined => revisions.get(stream),
  };
};
