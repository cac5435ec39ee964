import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { claimReadModelFile, examineReadModelFile, readModelFile, recordedWriter, setAsideReadModel, type ReadModelWriter } from '../projections/index.js';
import { atStart, classifyStorageError } from '../runtime/storage-failure.js';

export const WRITER_LOCK_FILE = 'writer.lock';

/** Whether a process of this id runs where this one can see it (another container's cannot be seen). */
const running = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const describe = (writer: ReadModelWriter | undefined): string => {
  if (!writer) return 'another process';
  if (writer.host !== hostname()) return `another process (pid ${writer.pid} on host ${writer.host})`;
  if (!running(writer.pid))
    return `another process (pid ${writer.pid} by its own record, which is not running here: another container's, or a program such as sqlite3 holding read-models.db open)`;
  return `another process (pid ${writer.pid})`;
};

/** Another process writes the DATA_DIR's read models. */
export class WriterLockHeldError extends Error {
  constructor(
    readonly dataDir: string,
    /** The process as the read-model file records it; information only: the lock is the truth. */
    readonly holder: ReadModelWriter | undefined,
  ) {
    super(
      `${describe(holder)} is writing ${dataDir}'s read models (a running server or npm run rebuild): stop it first, or give this process its own DATA_DIR`,
    );
    this.name = 'WriterLockHeldError';
  }
}

/** A read-model file found unusable and renamed before the lock was taken. */
export interface SetAsideReadModel {
  readonly file: string;
  readonly to: string;
  readonly reason: string;
}

export interface WriterLock {
  /** The read-model file found unusable (not a database, damaged, another format) and set aside; the read models are then empty. */
  readonly setAside: SetAsideReadModel | undefined;
  /** Gives the lock up; the process ending does too, however it ends. */
  release(): void;
}

const isBusy = (error: unknown) => /^SQLITE_(BUSY|LOCKED)/.test(String((error as { code?: unknown }).code));

/**
 * One process at a time writes a DATA_DIR's read models: the server's projection runner and
 * `npm run rebuild` drop and fill the same tables, so a second writer would interleave with the
 * first. Taking the lock also readies the read-model file: one that is not a database, is
 * damaged or of another format is set aside (renamed, kept) for the read models to be rebuilt
 * from the log, as they are derived data; the event log is never touched here.
 *
 * Where the lock is held, and why. The exclusion must survive anyone deleting a file, so it
 * cannot rest on a file that holds nothing (`writer.lock` alone: deleted under a running server,
 * the next process makes a new one, locks that, and starts beside the first). The lock must be
 * the operating system's, so that a crash never leaves one behind. From node, SQLite is the way
 * to the OS's file locks (node has no flock or fcntl of its own), and SQLite's locks on
 * `events.db` cannot serve: the store is in WAL mode, where every connection (the request
 * thread's, the projection thread's, `npm run token`, `staff` and `audit` in other processes)
 * holds a shared lock on the file for as long as it is open; an exclusive lock there shuts them
 * all out, and a process that finds the shared locks cannot tell a server from a CLI. There is
 * also no events.db when the log is EventStoreDB's.
 *
 * The read-model file is what the lock protects, and only its writer opens it: the server (three
 * connections: requests, the projection thread, the search thread) and `npm run rebuild`. So the
 * lock is held on it. This process keeps a connection open to it for as long as it holds the
 * lock, and with it the OS's shared lock; a process that wants to write first opens the file in
 * EXCLUSIVE locking mode, which the OS refuses while any other process has it open, whatever
 * became of `writer.lock`. Deleting read-models.db under a running server would defeat it, but
 * that throws the running server's read models away: it is no clean-up anyone does by mistake.
 *
 * `writer.lock` (an exclusive SQLite transaction, rollback journal) is held too, for as long: it
 * covers the moment between examining the read-model file and opening it for good, so that two
 * processes starting together cannot both find the file free.
 *
 * The holder records its pid (and host) in the read-model file, for a process refused to name.
 * It is information, never the lock: a pid left there by a crash blocks nothing.
 */
export const acquireWriterLock = (dataDir: string, options: { readonly now?: () => Date } = {}): WriterLock => {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = join(dataDir, WRITER_LOCK_FILE);
  const readModels = readModelFile(dataDir);
  const now = options.now ?? (() => new Date());
  const held = () => new WriterLockHeldError(dataDir, recordedWriter(readModels));

  // No busy wait: a held lock is an answer now, not a reason to hang.
  const mutex = atStart(lockFile, 'writer-lock', () => new Database(lockFile, { timeout: 0 }));
  try {
    // The rollback journal (not WAL) so that BEGIN EXCLUSIVE locks out readers too.
    mutex.pragma('journal_mode = DELETE');
    mutex.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    mutex.close();
    if (isBusy(error)) throw held();
    throw classifyStorageError(lockFile, 'writer-lock', error) ?? error;
  }
  const giveUpMutex = () => {
    mutex.exec('ROLLBACK');
    mutex.close();
  };

  let holder: Database.Database;
  let setAside: SetAsideReadModel | undefined;
  try {
    const state = atStart(readModels, 'read-model', () => examineReadModelFile(readModels));
    if (state.kind === 'in-use') throw held();
    if (state.kind === 'unusable') {
      const to = atStart(readModels, 'read-model', () => setAsideReadModel(readModels, state.label, now()));
      setAside = { file: readModels, to, reason: state.reason };
    }
    holder = atStart(readModels, 'read-model', () => claimReadModelFile(readModels, process.pid, now()));
  } catch (error) {
    giveUpMutex();
    throw error;
  }

  let released = false;
  return {
    setAside,
    release() {
      if (released) return;
      released = true;
      holder.close();
      giveUpMutex();
    },
  };
};
