import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export const WRITER_LOCK_FILE = 'writer.lock';

/** Another process holds the DATA_DIR's writer lock. */
export class WriterLockHeldError extends Error {
  constructor(readonly dataDir: string) {
    super(`another process is writing ${dataDir}'s read models (a running server or npm run rebuild): stop it first, or give this process its own DATA_DIR`);
    this.name = 'WriterLockHeldError';
  }
}

export interface WriterLock {
  /** Gives the lock up; the process ending does too, however it ends. */
  release(): void;
}

/**
 * One process at a time writes a DATA_DIR's read models: the server's projection runner and
 * `npm run rebuild` drop and fill the same tables, so a rebuild under a running server would
 * interleave with it. The lock is an exclusive SQLite transaction kept open on
 * `${DATA_DIR}/writer.lock`. SQLite's lock is the operating system's file lock, released when
 * the process dies, so a crash never leaves a stale lock behind to be cleaned up by hand.
 */
export const acquireWriterLock = (dataDir: string): WriterLock => {
  mkdirSync(dataDir, { recursive: true });
  // No busy wait: a held lock is an answer now, not a reason to hang.
  const db = new Database(join(dataDir, WRITER_LOCK_FILE), { timeout: 0 });
  try {
    // The rollback journal (not WAL) so that BEGIN EXCLUSIVE locks out readers too.
    db.pragma('journal_mode = DELETE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new WriterLockHeldError(dataDir);
    throw error;
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      db.exec('ROLLBACK');
      db.close();
    },
  };
};
