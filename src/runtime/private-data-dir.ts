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

const restrict = (dir: string, depth: number): void => {
  chmodSync(dir, 0o700);
  if (depth > 4) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) restrict(path, depth + 1);
    else if (entry.isFile()) chmodSync(path, 0o600);
  }
};
