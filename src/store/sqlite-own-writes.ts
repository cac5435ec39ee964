import type Database from 'better-sqlite3';

/** Streams remembered at most; one forgotten is only read again. */
const DEFAULT_CAPACITY = 20_000;

/**
 * The last revision this connection appended to each stream, for as long as no other connection
 * has committed to the file. SQLite's `PRAGMA data_version` changes with every commit of another
 * connection (another process, or another store object on the same file) and never with this
 * connection's own, so while it stands still these revisions are still the streams' last.
 * Asking costs a pragma (about 2 µs) instead of reading and parsing the stream's tail.
 */
export const createOwnWrites = (db: Database.Database, capacity = DEFAULT_CAPACITY) => {
  const dataVersion = db.prepare<[], bigint>('PRAGMA data_version').pluck();
  const revisions = new Map<string, bigint>();
  let seen = dataVersion.get();
  return {
    /** Only after the transaction that wrote `revision` has committed. */
    written(stream: string, revision: bigint) {
      // Re-inserted so that the map iterates least recently written first.
      revisions.delete(stream);
      revisions.set(stream, revision);
      if (revisions.size > capacity) revisions.delete(revisions.keys().next().value!);
    },
    knownRevision(stream: string): bigint | undefined {
      const version = dataVersion.get();
      if (version !== seen) {
        revisions.clear();
        seen = version;
      }
      return revisions.get(stream);
    },
  };
};
