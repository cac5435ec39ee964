import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { limitWalSize } from '../store/wal-policy.js';

/** `${DATA_DIR}/read-models.db`: the file the projections write and the API reads. */
export const readModelFile = (dataDir: string): string => `${dataDir.replace(/\/+$/, '')}/read-models.db`;

/**
 * The read models' file format, kept in the file's `user_version`: a file of another format (a
 * newer engine's, say) is set aside and rebuilt rather than read. Files written before the format
 * was stamped read 0 and are this format. Each projection has its own version besides (in the
 * `projections` table), and a bump of it rebuilds that projection alone.
 */
export const READ_MODEL_FORMAT = 1;

export const openReadModelDb = (file: string): Database.Database => {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL may lose the last transactions on power loss, never corrupt the file. That is enough
  // here: a read model and its checkpoint are lost together, and the runner replays the log
  // from the checkpoint that survived (or rebuilds from position 0).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // The projection thread writes it and keeps its WAL bounded (src/store/wal-policy.ts); any connection gives back the space.
  limitWalSize(db);
  return db;
};

/** What examineReadModelFile() found. */
export type ReadModelFileState =
  | { readonly kind: 'usable' }
  /** Another process has the file open: a server or a rebuild writing it (see app/writer-lock.ts). */
  | { readonly kind: 'in-use' }
  /** Not a database, damaged, or of another format (`reason`, said of the file); `label` goes into the set-aside file's name. */
  | { readonly kind: 'unusable'; readonly label: string; readonly reason: string };

const codeOf = (error: unknown): string => String((error as { code?: unknown }).code ?? '');

/** The first 16 bytes of every SQLite database file. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Whether the file begins as a SQLite database does (a missing or empty file is a new one). Read
 * before SQLite opens the file: SQLite, closing a file it could not read, may still checkpoint and
 * delete the -wal beside it, which is to be kept with the damaged file.
 */
const hasSqliteHeader = (file: string): boolean => {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    const read = readSync(fd, head, 0, head.length, 0);
    return read === 0 || (read === head.length && head.equals(SQLITE_HEADER));
  } finally {
    closeSync(fd);
  }
};

/**
 * Looks at the read-model file with no other process allowed in: a connection in EXCLUSIVE locking
 * mode takes the operating system's exclusive lock on the file as it first reads it, which every
 * other process that has the file open prevents (a WAL connection holds a shared lock on it for as
 * long as it is open). Busy answers at once. A file that is not a database, whose schema cannot be
 * read, or of another format is unusable; a missing file is usable (it is made empty). Errors that
 * setting the file aside would not cure (permissions, a full disk) are thrown.
 *
 * A file whose first bytes are not SQLite's is not opened at all, so no other process's use of it
 * can be seen: only a file damaged under a running server (and its writer.lock deleted) could be
 * set aside under that server, which then goes on writing the renamed file.
 */
export const examineReadModelFile = (file: string): ReadModelFileState => {
  mkdirSync(dirname(file), { recursive: true });
  if (!hasSqliteHeader(file)) return { kind: 'unusable', label: 'corrupt', reason: 'is not a SQLite database (SQLITE_NOTADB: no SQLite header)' };
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    const format = Number(db.pragma('user_version', { simple: true }));
    // The schema is parsed on first use: damage to it shows here, not on the first query.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    // A file not (yet) in WAL mode locks exclusively only when asked to write.
    db.exec('BEGIN EXCLUSIVE; ROLLBACK');
    if (format !== 0 && format !== READ_MODEL_FORMAT) {
      return { kind: 'unusable', label: `format-${format}`, reason: `is of format ${format}, not this engine's ${READ_MODEL_FORMAT}` };
    }
    return { kind: 'usable' };
  } catch (error) {
    const code = codeOf(error);
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return { kind: 'in-use' };
    if (code === 'SQLITE_NOTADB') return { kind: 'unusable', label: 'corrupt', reason: `is not a SQLite database (${code})` };
    if (code.startsWith('SQLITE_CORRUPT')) return { kind: 'unusable', label: 'corrupt', reason: `is damaged: ${(error as Error).message} (${code})` };
    throw error;
  } finally {
    db.close();
  }
};

/** The file's companions, moved with it: a WAL left beside a new file would be replayed into it. */
const COMPANIONS = ['-wal', '-shm', '-journal'];

/**
 * Renames an unusable read-model file (and its -wal, -shm and -journal) to
 * `read-models.db.<label>-<UTC time>`, kept for inspection; returns the new name. The companions
 * move first, so that a stop halfway leaves the damaged file where the next start finds it again.
 */
export const setAsideReadModel = (file: string, label: string, at: Date = new Date()): string => {
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  let target = `${file}.${label}-${stamp}`;
  for (let n = 2; existsSync(target); n++) target = `${file}.${label}-${stamp}-${n}`;
  for (const suffix of COMPANIONS) if (existsSync(`${file}${suffix}`)) renameSync(`${file}${suffix}`, `${target}${suffix}`);
  renameSync(file, target);
  return target;
};

/** The process writing the read models, as it recorded itself. */
export interface ReadModelWriter {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

const WRITER_DDL = `CREATE TABLE IF NOT EXISTS writer (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  pid   INTEGER NOT NULL,
  host  TEXT    NOT NULL,
  since TEXT    NOT NULL
)`;

/**
 * Opens the read-model file for the process that is to write it: stamps the format and records
 * the process (`writer`), for a process refused the file to name. The connection stays open for
 * as long as the process writes: its shared lock is what examineReadModelFile() finds busy.
 */
export const claimReadModelFile = (file: string, pid: number = process.pid, at: Date = new Date()): Database.Database => {
  const db = openReadModelDb(file);
  try {
    db.transaction(() => {
      db.exec(WRITER_DDL);
      db.prepare('INSERT OR REPLACE INTO writer (id, pid, host, since) VALUES (1, ?, ?, ?)').run(pid, hostname(), at.toISOString());
      if (Number(db.pragma('user_version', { simple: true })) !== READ_MODEL_FORMAT) db.pragma(`user_version = ${READ_MODEL_FORMAT}`);
    }).immediate();
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
};

/** The writer the file records, if it can be read now; information only (the lock is the truth). */
export const recordedWriter = (file: string): ReadModelWriter | undefined => {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 200 });
    try {
      return db.prepare<[], ReadModelWriter>('SELECT pid, host, since FROM writer WHERE id = 1').get();
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
};
