/**
 * SQLite's page caches for the connections of `audit import`, in KiB. better-sqlite3 builds SQLite
 * with 16,000 KiB a connection, which each fills as its file grows past it: at full size
 * (`npm run bench:import`) some 40 MB of the import's RSS, which the import's memory bound cannot
 * spare; with these the import measured no slower (docs/performance.md, "the page caches").
 */
export const IMPORT_PAGE_CACHE_KIB = {
  /** The thread's reading connection to the log only asks whether each record's stream exists. */
  reader: 2_048,
  /** Each batch of data keys lands at the end of keys.db's index of ids (time-ordered: key-store.ts). */
  keys: 2_048,
  /** The writing connection: events and their ids land at their indexes' ends, new streams' names anywhere. */
  writer: 4_096,
} as const;
