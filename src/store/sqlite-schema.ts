/**
 * The SQLite file behind the embedded store: the global log (`events`) and the names of its
 * streams (`streams`). The row id is the global position; (stream, revision) and the event id
 * are unique, so neither a concurrency slip nor a retried command can ever store a fact twice.
 *
 * Events name their stream by a small integer. The (stream, revision) index takes an entry per
 * event, and a commit writes every index page its appends touch: integers make that index a
 * fraction of the size it is with the names in it, so appends to neighbouring streams share pages.
 * The `log` view shows the events with their stream names, for reading the file by hand.
 *
 * The file's `user_version` is its schema version. Version 1 kept the stream name in each event;
 * a version 1 file is migrated when it is opened, in one transaction, keeping every position.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { limitWalSize } from './wal-policy.js';
import { checkPageCacheKib, setPageCache } from './sqlite-page-cache.js';

export const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE streams (
  id   INTEGER PRIMARY KEY,
  name TEXT    NOT NULL UNIQUE
) STRICT;
CREATE TABLE events (
  position  INTEGER PRIMARY KEY AUTOINCREMENT,
  id        TEXT    NOT NULL UNIQUE,
  stream_id INTEGER NOT NULL REFERENCES streams (id),
  revision  INTEGER NOT NULL,
  type      TEXT    NOT NULL,
  data      TEXT    NOT NULL,
  metadata  TEXT    NOT NULL,
  UNIQUE (stream_id, revision)
) STRICT;
CREATE VIEW log AS
  SELECT e.position, e.id, s.name AS stream, e.revision, e.type, e.data, e.metadata
  FROM events e CROSS JOIN streams s ON s.id = e.stream_id;
`;

/**
 * Version 1 to 2. The old table is renamed away and copied in position order; streams are
 * numbered in the order they began. AUTOINCREMENT's high-water mark moves with the rename and
 * is carried over, so a position given out once is never given out again, even where the last
 * events were removed by hand.
 */
const MIGRATE_FROM_V1 = `
ALTER TABLE events RENAME TO events_v1;
${SCHEMA}
INSERT INTO streams (name) SELECT stream FROM events_v1 GROUP BY stream ORDER BY min(position);
INSERT INTO events (position, id, stream_id, revision, type, data, metadata)
  SELECT e.position, e.id, s.id, e.revision, e.type, e.data, e.metadata
  FROM events_v1 e CROSS JOIN streams s ON s.name = e.stream ORDER BY e.position;
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'events', max(seq) FROM sqlite_sequence WHERE name IN ('events', 'events_v1') HAVING max(seq) IS NOT NULL;
DELETE FROM sqlite_sequence
  WHERE name = 'events' AND rowid <> (SELECT max(rowid) FROM sqlite_sequence WHERE name = 'events');
DROP TABLE events_v1;
`;

export interface EventRow {
  readonly position: bigint;
  readonly id: string;
  readonly stream: string;
  readonly revision: bigint;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

/** Larger than any revision, for reading a stream backwards from its end. */
export const LAST_REVISION = 2n ** 63n - 1n;
/** SQLite's "no limit". */
export const NO_LIMIT = -1;

/**
 * WAL pages written between two automatic checkpoints (SQLite's default is 1,000). A checkpoint
 * copies every page changed since the last one into the database file and fsyncs it, inside the
 * commit that crosses the mark, so it holds up the event loop. Appends change the same index
 * pages over and over; a longer interval copies each of them once for many commits, at the cost
 * of a larger WAL file (docs/performance.md, "Log checkpoints"); durability is the same, as every
 * commit still fsyncs the WAL.
 */
export const DEFAULT_WAL_AUTOCHECKPOINT_PAGES = 10_000;
/**
 * For a writer whose checkpoints another thread runs (the server's, see checkpoint() and the
 * projection thread, which empties the WAL past WAL_TRUNCATE_PAGES): it checkpoints on its own
 * only if that thread falls behind or stops, at 32 MiB of WAL. It copies only what that thread has
 * not copied yet.
 */
export const BACKSTOP_WAL_AUTOCHECKPOINT_PAGES = 8_192;

/** The file's schema version is not one this engine reads: a newer engine's, or none it knows. */
export class EventSchemaVersionError extends Error {
  readonly code = 'SCHEMA_VERSION';
  constructor(
    message: string,
    readonly found: number,
    readonly supported = SCHEMA_VERSION,
  ) {
    super(message);
    this.name = 'EventSchemaVersionError';
  }
}

const hasTable = (db: Database.Database, name: string): boolean =>
  db.prepare<[string], bigint>("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?").pluck().get(name)! > 0n;

/** Creates the schema in a new file, or brings an older file up to this version. */
const ensureSchema = (db: Database.Database, file: string): void => {
  const version = () => Number(db.pragma('user_version', { simple: true }));
  if (version() === SCHEMA_VERSION) return;
  // IMMEDIATE: two processes opening one old file at once migrate it once; the second sees version 2.
  db.transaction(() => {
    const found = version();
    if (found === SCHEMA_VERSION) return;
    if (found > SCHEMA_VERSION) {
      throw new EventSchemaVersionError(
        `${file}: the event store's schema is version ${found}, newer than this engine's ${SCHEMA_VERSION}; run a newer engine`,
        found,
      );
    }
    if (found !== 0) throw new EventSchemaVersionError(`${file}: unknown event store schema version ${found}`, found);
    db.exec(hasTable(db, 'events') ? MIGRATE_FROM_V1 : SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
};

/** Opens the log's file. `pageCacheKib`: this connection's page cache (sqlite-page-cache.ts). */
export const openEventDatabase = (file: string, walAutocheckpointPages = DEFAULT_WAL_AUTOCHECKPOINT_PAGES, pageCacheKib?: number): Database.Database => {
  if (!(Number.isInteger(walAutocheckpointPages) && walAutocheckpointPages >= 1)) {
    throw new RangeError(`walAutocheckpointPages must be a whole number >= 1, got ${walAutocheckpointPages}`);
  }
  checkPageCacheKib(pageCacheKib);
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    // WAL + FULL: a commit returns only once the WAL is fsynced, so an acknowledged append
    // survives a crash or power loss. NORMAL would only survive a process crash.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`${file}: SQLite refused WAL mode (got ${String(mode)})`);
    db.pragma('synchronous = FULL');
    db.pragma(`wal_autocheckpoint = ${walAutocheckpointPages}`);
    setPageCache(db, pageCacheKib);
    limitWalSize(db);
    // Revisions and positions are bigints in the port; never let SQLite hand back a rounded number.
    db.defaultSafeIntegers(true);
    ensureSchema(db, file);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
};

/** The events of one stream, with its name: `?` is the name. */
const STREAM_EVENTS = `
  SELECT e.position, e.id, s.name AS stream, e.revision, e.type, e.data, e.metadata
  FROM streams s CROSS JOIN events e ON e.stream_id = s.id
  WHERE s.name = ?`;

export const prepareEventStatements = (db: Database.Database) => ({
  streamId: db.prepare<[string], bigint>('SELECT id FROM streams WHERE name = ?').pluck(),
  addStream: db.prepare<[string], bigint>('INSERT INTO streams (name) VALUES (?) RETURNING id').pluck(),
  insert: db.prepare<[string, bigint, bigint, string, string, string]>(
    'INSERT INTO events (id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  ),
  currentRevision: db.prepare<[bigint], { revision: bigint | null }>('SELECT max(revision) AS revision FROM events WHERE stream_id = ?'),
  placementOf: db.prepare<[string], Pick<EventRow, 'stream' | 'revision' | 'position'>>(
    'SELECT s.name AS stream, e.revision, e.position FROM events e CROSS JOIN streams s ON s.id = e.stream_id WHERE e.id = ?',
  ),
  streamForwards: db.prepare<[string, bigint, number], EventRow>(`${STREAM_EVENTS} AND e.revision >= ? ORDER BY e.revision LIMIT ?`),
  streamBackwards: db.prepare<[string, bigint, number], EventRow>(`${STREAM_EVENTS} AND e.revision <= ? ORDER BY e.revision DESC LIMIT ?`),
  streamExists: db.prepare<[string], { found: bigint }>(`SELECT 1 AS found FROM (${STREAM_EVENTS}) LIMIT 1`),
  logFrom: db.prepare<[bigint, number], EventRow>('SELECT * FROM log WHERE position >= ? ORDER BY position LIMIT ?'),
  /** The metadata of the log's last `?` positions, last first: a range of row ids from the end, never a scan. */
  lastMetadata: db
    .prepare<[number], string>('SELECT metadata FROM events WHERE position > (SELECT max(position) FROM events) - ? ORDER BY position DESC')
    .pluck(),
  logAfter: db.prepare<[bigint, number], EventRow>('SELECT * FROM log WHERE position > ? ORDER BY position LIMIT ?'),
  /** The ids of the streams whose names lie in [?, ?), at most `?`: a range of the names' index. */
  streamsBetween: db.prepare<[string, string, number], bigint>('SELECT id FROM streams WHERE name >= ? AND name < ? LIMIT ?').pluck(),
  /** The log of the streams whose names lie in [?, ?), from a position: the names' index and the streams' events', not a scan of the log. */
  logOfStreamsBetween: db.prepare<[string, string, bigint, number], EventRow>(
    `SELECT e.position, e.id, s.name AS stream, e.revision, e.type, e.data, e.metadata
     FROM events e CROSS JOIN streams s ON s.id = e.stream_id
     WHERE e.stream_id IN (SELECT id FROM streams WHERE name >= ? AND name < ?) AND e.position >= ? ORDER BY e.position LIMIT ?`,
  ),
  /** Stream names and types from a position backwards, without the events' bodies. */
  logBackwards: db.prepare<[bigint, number], Pick<EventRow, 'position' | 'stream' | 'type'>>(
    'SELECT e.position, s.name AS stream, e.type FROM events e CROSS JOIN streams s ON s.id = e.stream_id WHERE e.position <= ? ORDER BY e.position DESC LIMIT ?',
  ),
});

export type EventStatements = ReturnType<typeof prepareEventStatements>;
