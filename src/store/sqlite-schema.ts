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

export const openEventDatabase = (file: string): Database.Database => {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  // WAL + FULL: a commit returns only once the WAL is fsynced, so an acknowledged append
  // survives a crash or power loss. NORMAL would only survive a process crash.
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new Error(`${file}: SQLite refused WAL mode (got ${String(mode)})`);
  db.pragma('synchronous = FULL');
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
