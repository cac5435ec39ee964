import { statfsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * What a file in DATA_DIR is to the engine, which decides what an operator can do about it when
 * it cannot be used: a read model is derived and can be rebuilt, the event log and the tokens
 * cannot, the writer lock holds nothing at all.
 */
export type StoredFile = 'data-dir' | 'event-log' | 'read-model' | 'access' | 'writer-lock' | 'phone-key' | 'keys';

/**
 * A file the engine cannot start on, said in one line: the file, what is wrong with it, what to
 * do. Its own properties survive a thread's boundary (a thread's error reaches the request thread
 * as a plain Error with the same name and fields), so findStorageFailure() recognises it by them.
 */
export class StorageFailure extends Error {
  readonly file: string;
  readonly reason: string;
  readonly fix: string;
  /** The SQLite or system code behind it (SQLITE_NOTADB, ENOSPC, …), when there is one. */
  readonly code: string | undefined;
  constructor(file: string, reason: string, fix: string, code?: string) {
    super(`${file} ${reason}: ${fix}`);
    this.name = 'StorageFailure';
    this.file = file;
    this.reason = reason;
    this.fix = fix;
    this.code = code;
  }
}

type FailureLike = Pick<StorageFailure, 'file' | 'reason' | 'fix' | 'code' | 'message'>;

/** The StorageFailure in `error` or its chain of causes (one thrown by a thread included). */
export const findStorageFailure = (error: unknown): FailureLike | undefined => {
  for (let at = error, depth = 0; at instanceof Error && depth < 8; at = at.cause, depth++) {
    const fields: Partial<FailureLike> = at;
    if (at.name === 'StorageFailure' && typeof fields.file === 'string' && typeof fields.fix === 'string') return fields as FailureLike;
  }
  return undefined;
};

const stringField = (error: unknown, key: 'code' | 'path'): string | undefined => {
  const value = (error as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' ? value : undefined;
};

/**
 * SQLite reports a full disk as SQLITE_FULL when a page cannot be written, but as an I/O error
 * when its shared-memory file (-shm) cannot grow: the file system's free space tells them apart.
 */
const LOW_SPACE_BYTES = 1024 * 1024;
const diskFull = (dir: string): boolean => {
  try {
    const { bavail, bsize } = statfsSync(dir);
    return bavail * bsize < LOW_SPACE_BYTES;
  } catch {
    return false;
  }
};

const ownerOf = (path: string) => {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
};

/** Damage: what each kind of file allows. */
const DAMAGED_FIX: Record<StoredFile, string> = {
  'event-log':
    'the event log is the record itself and is never set aside or rebuilt: keep the file as it is for inspection, restore events.db from the last backup, then start again (docs/operations.md)',
  access:
    'restore access.db from a backup, or move it out of DATA_DIR: the server then starts with ADMIN_TOKEN alone and every other token must be issued again (npm run token)',
  'read-model': 'stop the server and run npm run rebuild: it sets the file aside and rebuilds the read models from the event log',
  'writer-lock': 'writer.lock holds no data: delete it and start again',
  'phone-key': 'remove it to make a new key, then run npm run rebuild -- case_search',
  keys: 'keys.db holds the only copies of the data keys of the personal data in the log: restore it from the last backup (docs/security.md), never delete it',
  'data-dir': 'move it out of the way and start again',
};

const permissionFix = (dataDir: string): string =>
  `give the server's account the data directory and every file in it (chown -R ${process.getuid?.() ?? '<user>'} ${dataDir}), or run the server as the account that owns them`;

/** Why a file cannot be written, as precisely as its type and owners tell. */
const unwritable = (path: string, dataDir: string, code: string): { reason: string; fix: string } => {
  const stat = ownerOf(path);
  if (stat?.isDirectory() && path !== dataDir) {
    return { reason: `is a directory, not a file (${code})`, fix: `move the directory out of ${dirname(path)} and start again` };
  }
  if (code === 'EROFS')
    return { reason: `is on a read-only file system (${code})`, fix: 'mount the file system read-write, or point DATA_DIR at a writable directory' };
  const me = process.getuid?.();
  // Root writes what it does not own: for root, another owner is not the cause.
  if (me !== undefined && me !== 0) {
    const owners: Array<[string, number | undefined]> = [[path, stat?.uid]];
    if (path !== dataDir) owners.push([dirname(path), ownerOf(dirname(path))?.uid]);
    const foreign = owners.find(([, owner]) => owner !== undefined && owner !== me);
    if (foreign) {
      const [at, owner] = foreign;
      const whose = at === path ? 'it belongs' : `its directory ${at} belongs`;
      return { reason: `cannot be written: ${whose} to uid ${owner}, not to uid ${me} that the server runs as (${code})`, fix: permissionFix(dataDir) };
    }
  }
  const fix = `${permissionFix(dataDir)}; on a read-only mount, mount it read-write`;
  return { reason: `cannot be written by the server (${code})`, fix };
};

/**
 * The StorageFailure an error opening or preparing `file` at start amounts to, or undefined for an
 * error that is not about the file (the caller reports that as it is). For the data directory, the
 * file named is the one the error names (a file in it that cannot be made private, say).
 */
export const classifyStorageError = (file: string, kind: StoredFile, error: unknown): StorageFailure | undefined => {
  const found = findStorageFailure(error);
  if (found) return found instanceof StorageFailure ? found : new StorageFailure(found.file, found.reason, found.fix, found.code);
  const code = stringField(error, 'code');
  if (code === undefined) return undefined;
  const dataDir = kind === 'data-dir' ? resolve(file) : dirname(resolve(file));
  const path = kind === 'data-dir' ? resolve(stringField(error, 'path') ?? file) : resolve(file);
  const message = error instanceof Error ? error.message : String(error);
  const failure = (reason: string, fix: string) => new StorageFailure(path, reason, fix, code);

  if (code === 'SQLITE_NOTADB') return failure(`is not a SQLite database (${code})`, DAMAGED_FIX[kind]);
  if (code.startsWith('SQLITE_CORRUPT')) return failure(`is damaged: ${message} (${code})`, DAMAGED_FIX[kind]);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || ((code.startsWith('SQLITE_IOERR') || code === 'EIO') && diskFull(dataDir))) {
    return failure(`cannot be written: the disk is full (${code})`, `free space on the file system holding ${dataDir} (df -h ${dataDir}), then start again`);
  }
  if (/^SQLITE_(READONLY|CANTOPEN|PERM)/.test(code) || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    const { reason, fix } = unwritable(path, dataDir, code);
    return failure(reason, fix);
  }
  if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST') return failure(`is in the way: ${message} (${code})`, DAMAGED_FIX['data-dir']);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return failure(
      `is locked by another process (${code})`,
      `find the program holding it with fuser -v ${path} (an sqlite3 shell, a backup, another engine), stop it, then start again`,
    );
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') {
    return failure(
      `cannot be read or written: input/output error (${code})`,
      'the disk or its file system failed: check the system log (dmesg) and the disk, then start again',
    );
  }
  if (code === 'SCHEMA_VERSION') {
    const { found, supported } = error as { found?: number; supported?: number };
    const newer = found !== undefined && supported !== undefined && found > supported;
    return failure(
      newer
        ? `was written by a newer engine: schema version ${found}, this engine reads up to ${supported}`
        : `has a schema version this engine does not know (${found})`,
      'run the engine version that wrote it (or a newer one); to go back to this version, restore the backup taken before the upgrade',
    );
  }
  return undefined;
};

/**
 * Runs `open` (a step of the start that opens or prepares `file`) and turns a storage error it
 * throws, or its promise rejects with, into a StorageFailure naming the file; any other error
 * passes as it is.
 */
export const atStart = <T>(file: string, kind: StoredFile, open: () => T): T => {
  const named = (error: unknown) => classifyStorageError(file, kind, error) ?? error;
  try {
    const opened = open();
    return (
      opened instanceof Promise
        ? opened.catch((error: unknown) => {
            throw named(error);
          })
        : opened
    ) as T;
  } catch (error) {
    throw named(error);
  }
};
