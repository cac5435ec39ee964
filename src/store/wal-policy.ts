/**
 * How the two SQLite files' write-ahead logs (`events.db-wal`, `read-models.db-wal`) are kept
 * within WAL_BOUND_BYTES (docs/operations.md, "WAL size").
 *
 * Why a WAL grows: SQLite writes each commit at the end of the WAL, and starts again at its
 * beginning only when a writer begins a transaction while every frame has been copied into the
 * database file and no reader still reads from the WAL. The server's log file is checkpointed by
 * the projection thread (PASSIVE: it copies what was committed when it began, never waiting for
 * anyone), while the request thread keeps committing: under a steady stream of commits — an
 * import — some frames are always newer than the last checkpoint, so the WAL never starts again and
 * grows until the writer's own backstop checkpoints it (it reached 206 MB at a backstop of 50,000
 * pages). A reader holding a snapshot (a long report) has the same effect on any WAL: a checkpoint
 * cannot copy frames past it, nor can the WAL start again while it reads.
 *
 * The cure is a checkpoint that waits: once a WAL passes WAL_TRUNCATE_PAGES, the thread that
 * checkpoints it runs TRUNCATE, which holds writers off while it copies the frames left (few: the
 * PASSIVE checkpoints copied the rest), waits for the readers of older snapshots to finish, and
 * empties the file. It waits at most TRUNCATE_WAIT_MS; failing that, the next tick tries again. The
 * projection thread's ticks come late while it applies a long batch, so during an import the
 * writer's own backstop (BACKSTOP_WAL_AUTOCHECKPOINT_PAGES, 32 MiB) is what holds the bound: it
 * copies only what that thread has not, and its next transaction starts the WAL again.
 * `journal_size_limit` gives back the space of a WAL that grew anyway once it starts again.
 */
import type Database from 'better-sqlite3';

/** The documented bound of each WAL file: what the policy below keeps a WAL under during imports and bursts. */
export const WAL_BOUND_BYTES = 48 * 2 ** 20;
/** WAL pages (4 KiB each, 16 MiB) past which a checkpoint waits for the WAL to be emptied. */
export const WAL_TRUNCATE_PAGES = 4_096;
/** A WAL larger than this is cut back to it when it starts again. */
export const WAL_SIZE_LIMIT_BYTES = 16 * 2 ** 20;
/** How long a TRUNCATE checkpoint waits for the writer and for readers; writers wait on it that long at most, and while it copies. */
export const TRUNCATE_WAIT_MS = 100;

export interface CheckpointResult {
  /** Pages in the WAL when the checkpoint ran (0 once a TRUNCATE emptied it). */
  readonly walPages: number;
  /** Of them, how many are in the database file. */
  readonly checkpointed: number;
  /** A TRUNCATE that could not finish within TRUNCATE_WAIT_MS (a writer or a reader in the way). */
  readonly busy: boolean;
}

/** Sets the connection's journal_size_limit (each connection has its own). */
export const limitWalSize = (db: Database.Database): void => void db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);

/** One checkpoint of `db`'s WAL: PASSIVE never waits; TRUNCATE waits up to TRUNCATE_WAIT_MS. */
export const checkpointWal = (db: Database.Database, mode: 'passive' | 'truncate' = 'passive'): CheckpointResult => {
  const run = () => db.pragma(`wal_checkpoint(${mode.toUpperCase()})`) as Array<{ busy: number | bigint; log: number | bigint; checkpointed: number | bigint }>;
  let rows;
  if (mode === 'passive') rows = run();
  else {
    const timeout = Number(db.pragma('busy_timeout', { simple: true }));
    db.pragma(`busy_timeout = ${TRUNCATE_WAIT_MS}`);
    try {
      rows = run();
    } finally {
      db.pragma(`busy_timeout = ${timeout}`);
    }
  }
  const [row] = rows;
  return { walPages: Math.max(0, Number(row!.log)), checkpointed: Math.max(0, Number(row!.checkpointed)), busy: Number(row!.busy) !== 0 };
};

/** The checkpoint a timer runs: PASSIVE, and TRUNCATE when the WAL has passed WAL_TRUNCATE_PAGES. */
export const keepWalBounded = (checkpoint: (mode: 'passive' | 'truncate') => CheckpointResult, truncatePages = WAL_TRUNCATE_PAGES): CheckpointResult => {
  const passive = checkpoint('passive');
  return passive.walPages > truncatePages ? checkpoint('truncate') : passive;
};
