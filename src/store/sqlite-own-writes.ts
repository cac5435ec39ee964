import type Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';

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
  // Least recently written first out. A Map used as that queue (delete the first key) costs more the
  // larger it is: V8 leaves the deleted keys in place, and each next first key is found past all of them.
  const revisions = new LRUCache<string, bigint>({ max: capacity });
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
    written: (stream: string, revision: bigint) => void revisions.set(stream, revision),
    // Reading leaves the order alone: only a write makes a stream recent.
    revision: (stream: string): bigint | undefined => revisions.peek(stream),
  };
};
