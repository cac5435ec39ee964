/**
 * The SQLite file behind the embedded store: one table, the global log. The row id is the
 * global position; (stream, revision) and the event id are unique, so neither a concurrency
 * slip nor a retried command can ever store a fact twice.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  id       TEXT    NOT NULL UNIQUE,
  stream   TEXT    NOT NULL,
  revision INTEGER NOT NULL,
  type     TEXT    NOT NULL,
  data     TEXT    NOT NULL,
  metadata TEXT    NOT NULL,
  UNIQUE (stream, revision)
) STRICT;
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
 * pages over and over; a longer interval copies each of them once for many commits. Under the
 * HTTP benchmark's load, 10,000 took a third off the time spent committing. The WAL file then
 * grows to about 40 MB; durability is the same, as every commit still fsyncs the WAL.
 */
export const DEFAULT_WAL_AUTOCHECKPOINT_PAGES = 10_000;

export const openEventDatabase = (file: string, walAutocheckpointPages = DEFAULT_WAL_AUTOCHECKPOINT_PAGES): Database.Database => {
  if (!(Number.isInteger(walAutocheckpointPages) && walAutocheckpointPages >= 1)) {
    throw new RangeError(`walAutocheckpointPages must be a whole number >= 1, got ${walAutocheckpointPages}`);
  }
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  // WAL + FULL: a commit returns only once the WAL is fsynced, so an acknowledged append
  // survives a crash or power loss. NORMAL would only survive a process crash.
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new Error(`${file}: SQLite refused WAL mode (got ${String(mode)})`);
  db.pragma('synchronous = FULL');
  db.pragma(`wal_autocheckpoint = ${walAutocheckpointPages}`);
  // Revisions and positions are bigints in the port; never let SQLite hand back a rounded number.
  db.defaultSafeIntegers(true);
  db.exec(SCHEMA);
  return db;
};

export const prepareEventStatements = (db: Database.Database) => ({
  insert: db.prepare<[string, string, bigint, string, string, string]>(
    'INSERT INTO events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  ),
  currentRevision: db.prepare<[string], { revision: bigint | null }>(
    'SELECT max(revision) AS revision FROM events WHERE stream = ?',
  ),
  placementOf: db.prepare<[string], Pick<EventRow, 'stream' | 'revision' | 'position'>>(
    'SELECT stream, revision, position FROM events WHERE id = ?',
  ),
  streamForwards: db.prepare<[string, bigint, number], EventRow>(
    'SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?',
  ),
  streamBackwards: db.prepare<[string, bigint, number], EventRow>(
    'SELECT * FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?',
  ),
  streamExists: db.prepare<[string], { found: bigint }>('SELECT 1 AS found FROM events WHERE stream = ? LIMIT 1'),
  logFrom: db.prepare<[bigint, number], EventRow>('SELECT * FROM events WHERE position >= ? ORDER BY position LIMIT ?'),
  logAfter: db.prepare<[bigint, number], EventRow>('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?'),
});

export type EventStatements = ReturnType<typeof prepareEventStatements>;
