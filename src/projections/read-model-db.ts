import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { limitWalSize } from '../store/wal-policy.js';

/** `${DATA_DIR}/read-models.db`: the file the projections write and the API reads. */
export const readModelFile = (dataDir: string): string => `${dataDir.replace(/\/+$/, '')}/read-models.db`;

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
