import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { EngineError, hasCode } from '../../errors.js';
import type { Actor } from '../../domain/events/envelope.js';
import { decrypt, encrypt, KEY_BYTES } from './cipher.js';
import type { MasterKey } from './master-key.js';
import { checkPageCacheKib, pageCacheKibOf, setPageCache } from '../sqlite-page-cache.js';

/** The key store's file in DATA_DIR: each record's data key, wrapped by the master key. */
export const KEY_STORE_FILE = 'keys.db';

export const PERSONAL_DATA_KEY = 'PERSONAL_DATA_KEY' as const;
/** A data key that cannot be opened: wrong master key, a key store that is not this log's, a tampered key. */
export class PersonalDataKeyError extends EngineError {
  readonly code = PERSONAL_DATA_KEY;
}
export const isPersonalDataKeyError = hasCode<PersonalDataKeyError>(PERSONAL_DATA_KEY);

/** A data key as a record's fields are sealed and opened with it; or, once erased, who erased it and when. */
export type DataKey = { readonly kind: 'key'; readonly key: Buffer } | { readonly kind: 'erased'; readonly erasedAt: string; readonly erasedBy: Actor };

/**
 * Data keys are made ahead, this many in one transaction (one fsync), and handed out one per new
 * record: a key must be durable before an event sealed with it is, and an fsync per record would
 * halve intake. Keys made and never handed out (the process stopped) seal nothing.
 */
export const KEY_BATCH = 256;
/**
 * A data key's id: 16 bytes in hex, the first 6 the millisecond it was made (as a UUIDv7's), the
 * other 10 random. Ids made later sort after: a batch of keys is added at the end of keys.db's index
 * of ids, where random ids would rewrite its pages all over, more of them the more keys it holds
 * (docs/performance.md, "Data keys in time order"). The time says no more than the log already
 * does: the event a key seals records when it was recorded.
 */
const ID_BYTES = 16;
const ID_TIME_BYTES = 6;

const DDL = `
CREATE TABLE IF NOT EXISTS data_keys (
  id TEXT PRIMARY KEY,
  wrapped BLOB,
  master TEXT,
  erased_at TEXT,
  erased_by TEXT
);
`;

/**
 * keys.db: 32-byte AES keys, each wrapped (AES-256-GCM) by the master key, never stored bare. An
 * erasure overwrites a key with NULL (secure_delete zeroes the freed bytes, and a rollback journal
 * leaves no old page in a WAL) and keeps who erased it and when. Several processes may use it at
 * once (the server, the CLI): nothing is cached, so an erasure is seen by the next read everywhere.
 */
export const openKeyStore = (
  file: string,
  master: MasterKey,
  /**
   * `batch`: keys made ahead at once (KEY_BATCH); a bulk import makes more, for fewer fsyncs.
   * `pageCacheKib`: the most of keys.db this connection caches, in KiB; SQLite's build default
   * (better-sqlite3: 16,000) when absent. `clock`: the milliseconds that begin the ids of the keys it
   * makes (Date.now).
   */
  options: { readonly readonly?: boolean; readonly batch?: number; readonly pageCacheKib?: number; readonly clock?: () => number } = {},
) => {
  const clock = options.clock ?? Date.now;
  const batch = options.batch ?? KEY_BATCH;
  if (!(Number.isInteger(batch) && batch >= 1)) throw new RangeError(`a key batch is a whole number >= 1, got ${batch}`);
  checkPageCacheKib(options.pageCacheKib);
  const db = new Database(file, options.readonly ? { readonly: true, fileMustExist: true } : {});
  db.pragma('busy_timeout = 5000');
  setPageCache(db, options.pageCacheKib);
  if (!options.readonly) {
    db.pragma('journal_mode = DELETE');
    db.pragma('synchronous = FULL');
    db.pragma('secure_delete = ON');
    db.exec(DDL);
  }
  const select = db.prepare<[string], { wrapped: Buffer | null; master: string | null; erased_at: string | null; erased_by: string | null }>(
    'SELECT wrapped, master, erased_at, erased_by FROM data_keys WHERE id = ?',
  );
  const pool: Array<{ id: string; key: Buffer }> = [];
  let current = master;

  const wrap = (id: string, key: Buffer, by: MasterKey) => encrypt(by.key, key, `data key ${id}`);

  const refill = () => {
    const insert = db.prepare('INSERT INTO data_keys (id, wrapped, master) VALUES (?, ?, ?)');
    // One draw from the CSPRNG for the whole batch, cut into ids and keys: a draw each costs a call into OpenSSL each.
    const drawn = randomBytes(batch * (ID_BYTES + KEY_BYTES));
    const time = Math.max(0, Math.min(2 ** 48 - 1, Math.floor(clock())));
    const made = Array.from({ length: batch }, (_, i) => {
      const at = i * (ID_BYTES + KEY_BYTES);
      drawn.writeUIntBE(time, at, ID_TIME_BYTES);
      return { id: drawn.toString('hex', at, at + ID_BYTES), key: Buffer.from(drawn.subarray(at + ID_BYTES, at + ID_BYTES + KEY_BYTES)) };
    });
    drawn.fill(0);
    db.transaction(() => {
      for (const { id, key } of made) insert.run(id, wrap(id, key, current), current.id);
    })();
    pool.push(...made);
  };

  const keyOf = (id: string): DataKey => {
    const row = select.get(id);
    if (!row) throw new PersonalDataKeyError(`data key ${id} is not in ${file}: the key store is not this event log's, or was lost`);
    if (row.wrapped === null) return { kind: 'erased', erasedAt: row.erased_at!, erasedBy: JSON.parse(row.erased_by!) as Actor };
    if (row.master !== current.id)
      throw new PersonalDataKeyError(
        `data key ${id} is wrapped by master key ${row.master}, but ${current.source} is master key ${current.id}: start with the master key of this data directory (docs/security.md)`,
      );
    try {
      return { kind: 'key', key: decrypt(current.key, row.wrapped, `data key ${id}`) };
    } catch {
      throw new PersonalDataKeyError(`data key ${id} does not open with master key ${current.id} (${current.source}): the key or keys.db was altered`);
    }
  };

  return {
    file,
    /** A new record's data key, durable in the store. */
    take(): { readonly id: string; readonly key: Buffer } {
      if (pool.length === 0) refill();
      return pool.pop()!;
    },
    /** A data key by its id: the key, or the erasure that destroyed it. */
    key: keyOf,
    /** Destroys keys for good; returns how many were there to destroy (an erased one counts once). */
    erase(ids: readonly string[], by: Actor, at: string): number {
      const update = db.prepare('UPDATE data_keys SET wrapped = NULL, master = NULL, erased_at = ?, erased_by = ? WHERE id = ? AND wrapped IS NOT NULL');
      let erased = 0;
      db.transaction(() => {
        for (const id of ids) erased += update.run(at, JSON.stringify(by), id).changes;
      })();
      return erased;
    },
    /**
     * Wraps every data key again with `next` (master key rotation), in one transaction: a stop
     * halfway leaves every key under the old master. Returns how many keys were rewrapped.
     */
    rewrap(next: MasterKey): number {
      const rows = db.prepare<[], { id: string; wrapped: Buffer; master: string }>('SELECT id, wrapped, master FROM data_keys WHERE wrapped IS NOT NULL').all();
      const update = db.prepare('UPDATE data_keys SET wrapped = ?, master = ? WHERE id = ?');
      db.transaction(() => {
        for (const row of rows) {
          if (row.master === next.id) continue;
          const key = keyOf(row.id);
          if (key.kind !== 'key') continue;
          update.run(wrap(row.id, key.key, next), next.id, row.id);
        }
      })();
      pool.length = 0;
      current = next;
      return rows.length;
    },
    /** Checks that the master key opens this store's keys (one of them): a wrong key is a start-up error, not a failure at the first read. */
    check(): void {
      const row = db.prepare<[], { id: string }>('SELECT id FROM data_keys WHERE wrapped IS NOT NULL LIMIT 1').get();
      if (row) keyOf(row.id);
    },
    /** The most of keys.db this connection caches, in KiB (SQLite's cache_size). */
    pageCacheKib: (): number => pageCacheKibOf(db),
    close: () => db.close(),
  };
};
export type KeyStore = ReturnType<typeof openKeyStore>;
