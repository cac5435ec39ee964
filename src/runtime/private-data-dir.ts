import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The data directory holds owners' names and phones (events.db, read-models.db) and the token
 * hashes (access.db): no other local account may read it, whatever the umask. Files this process
 * creates from now on (a new database, its -wal and -shm, a backup) are 0600 through the umask;
 * what is already there is set to 0600 (files) and 0700 (directories), once, at start.
 */
export const keepDataDirPrivate = (dataDir: string): void => {
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  restrict(dataDir, 0);
};

/**
 * Another process working in the directory (a token command, a server closing its databases) may
 * remove a file between the listing and its chmod, e.g. an -shm file: a file gone needs no mode.
 */
const chmodIfThere = (path: string, mode: number): boolean => {
  try {
    chmodSync(path, mode);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
};

const restrict = (dir: string, depth: number): void => {
  if (!chmodIfThere(dir, 0o700) || depth > 4) return;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) restrict(path, depth + 1);
    else if (entry.isFile()) chmodIfThere(path, 0o600);
  }
};
