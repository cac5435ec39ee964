import type Database from 'better-sqlite3';
import type { Position } from '../store/port.js';

/** A position as the `projections` table keeps it: "commit/prepare", both unsigned 64-bit, as text. */
export const formatPosition = (position: Position): string => `${position.commit}/${position.prepare}`;

export const parsePosition = (text: string): Position => {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (!match) throw new Error(`not a log position: "${text}"`);
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
};

export interface CheckpointRow {
  readonly name: string;
  readonly version: number;
  readonly checkpoint: string | null;
  /** recordedAt (epoch ms) of the last event applied. */
  readonly last_recorded_at: number | null;
  readonly updated_at: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS projections (
  name             TEXT PRIMARY KEY,
  version          INTEGER NOT NULL,
  checkpoint       TEXT,
  last_recorded_at INTEGER,
  updated_at       INTEGER NOT NULL
)`;

/** The `projections` table: one row a projection, written in the same transaction as its read model. */
export const checkpointTable = (db: Database.Database) => {
  db.exec(SCHEMA);
  const read = db.prepare<[string], CheckpointRow>('SELECT * FROM projections WHERE name = ?');
  const reset = db.prepare<[string, number, number]>(
    `INSERT INTO projections (name, version, checkpoint, last_recorded_at, updated_at) VALUES (?, ?, NULL, NULL, ?)
     ON CONFLICT (name) DO UPDATE SET version = excluded.version, checkpoint = NULL, last_recorded_at = NULL, updated_at = excluded.updated_at`,
  );
  const advance = db.prepare<[string, number | null, number, string]>(
    'UPDATE projections SET checkpoint = ?, last_recorded_at = coalesce(?, last_recorded_at), updated_at = ? WHERE name = ?',
  );
  // No projection has version -1: each marked is torn down and replayed from position 0 at its runner's next start.
  const all = db.prepare<[], Pick<CheckpointRow, 'name' | 'checkpoint'>>('SELECT name, checkpoint FROM projections WHERE version <> -1');
  const forget = db.prepare<[string]>('UPDATE projections SET version = -1 WHERE name = ?');
  return {
    read: (name: string): CheckpointRow | undefined => read.get(name),
    /** Projections whose checkpoint is past `end` (and not yet marked): they applied events the log no longer holds, and would skip as many new ones. */
    pastEnd: (end: bigint): string[] => all.all().flatMap((row) => (row.checkpoint !== null && parsePosition(row.checkpoint).commit > end ? [row.name] : [])),
    /** Has the projections (default: every one not yet marked) rebuilt from position 0 at the runner's next start. */
    forget: (names: readonly string[] = all.all().map((row) => row.name)): void =>
      db.transaction(() => {
        for (const name of names) forget.run(name);
      })(),
    reset: (name: string, version: number, now: number): void => void reset.run(name, version, now),
    advance: (name: string, position: Position, lastRecordedAt: number | null, now: number): void =>
      void advance.run(formatPosition(position), lastRecordedAt, now, name),
  };
};
export type CheckpointTable = ReturnType<typeof checkpointTable>;
