import type Database from 'better-sqlite3';

/**
 * A connection's page cache: the most of its file SQLite keeps in that connection's memory.
 * better-sqlite3 builds SQLite with 16,000 KiB a connection, which each fills as its file grows
 * past it; a connection that reads little can be given less.
 */

/** Refuses a cache size that is not a whole number of KiB, before any file is opened. */
export const checkPageCacheKib = (kib: number | undefined): void => {
  if (kib !== undefined && !(Number.isInteger(kib) && kib >= 1)) throw new RangeError(`pageCacheKib must be a whole number >= 1, got ${kib}`);
};

/** Sets the connection's page cache, when one is given; SQLite's build default otherwise. */
export const setPageCache = (db: Database.Database, kib: number | undefined): void => {
  // A negative cache_size is in KiB.
  if (kib !== undefined) db.pragma(`cache_size = -${kib}`);
};

/** The connection's page cache, in KiB. */
export const pageCacheKibOf = (db: Database.Database): number => {
  const size = Number(db.pragma('cache_size', { simple: true }));
  // A positive cache_size counts pages.
  return size < 0 ? -size : (size * Number(db.pragma('page_size', { simple: true }))) / 1024;
};
