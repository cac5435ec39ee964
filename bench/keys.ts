/**
 * The key store's batches of data keys (src/store/personal/key-store.ts) as keys.db fills: keys
 * made by openKeyStore as an import makes them (batches of 4,096, the import's page cache), whose
 * ids begin with the millisecond they were made, against the same table, pragmas, cache and
 * wrapping with ids all random (how ids were made before), measured in the same run on fresh files.
 *
 *   npm run bench:keys            (BENCH_KEYS=170000: the keys of `npm run bench:import`)
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { IMPORT_PAGE_CACHE_KIB } from '../src/cli/import-page-caches.js';
import { encrypt } from '../src/store/personal/cipher.js';
import { openKeyStore } from '../src/store/personal/key-store.js';
import { masterKeyOf } from '../src/store/personal/master-key.js';

const KEYS = Number(process.env.BENCH_KEYS ?? 170_000);
const BATCH = 4_096;
const LAST = 5;

const master = masterKeyOf(randomBytes(32).toString('hex'), 'the benchmark');

interface Measurement {
  readonly seconds: number;
  /** The mean time of the last batches, when keys.db is largest. */
  readonly lastBatchMs: number;
}

/** Runs `batch` once per BATCH keys until KEYS are made; times the whole and the last batches. */
const timed = (batch: () => void): Measurement => {
  const times: number[] = [];
  const started = performance.now();
  for (let made = 0; made < KEYS; made += BATCH) {
    const at = performance.now();
    batch();
    times.push(performance.now() - at);
  }
  const last = times.slice(-LAST);
  return { seconds: (performance.now() - started) / 1000, lastBatchMs: last.reduce((a, b) => a + b, 0) / last.length };
};

const timeOrdered = (file: string): Measurement => {
  const keys = openKeyStore(file, master, { batch: BATCH, pageCacheKib: IMPORT_PAGE_CACHE_KIB.keys });
  try {
    return timed(() => {
      for (let i = 0; i < BATCH; i++) keys.take();
    });
  } finally {
    keys.close();
  }
};

/** What openKeyStore did with random ids: the same file settings, one draw, wrapped the same way. */
const timeRandom = (file: string): Measurement => {
  const db = new Database(file);
  db.pragma('busy_timeout = 5000');
  db.pragma(`cache_size = -${IMPORT_PAGE_CACHE_KIB.keys}`);
  db.pragma('journal_mode = DELETE');
  db.pragma('synchronous = FULL');
  db.pragma('secure_delete = ON');
  db.exec('CREATE TABLE IF NOT EXISTS data_keys (id TEXT PRIMARY KEY, wrapped BLOB, master TEXT, erased_at TEXT, erased_by TEXT)');
  const insert = db.prepare('INSERT INTO data_keys (id, wrapped, master) VALUES (?, ?, ?)');
  try {
    return timed(() => {
      const drawn = randomBytes(BATCH * 48);
      db.transaction(() => {
        for (let i = 0; i < BATCH; i++) {
          const id = drawn.toString('hex', i * 48, i * 48 + 16);
          insert.run(id, encrypt(master.key, drawn.subarray(i * 48 + 16, i * 48 + 48), `data key ${id}`), master.id);
        }
      })();
    });
  } finally {
    db.close();
  }
};

const dir = await mkdtemp(join(tmpdir(), 'bench-keys-'));
try {
  const random = timeRandom(join(dir, 'random.db'));
  const ordered = timeOrdered(join(dir, 'ordered.db'));
  const line = (label: string, m: Measurement) =>
    `${label.padEnd(34)} ${KEYS.toLocaleString('en')} keys in ${m.seconds.toFixed(2)} s; the last ${LAST} batches ${m.lastBatchMs.toFixed(1)} ms each`;
  console.log(line('random ids (baseline):', random));
  console.log(line('ids in time order (openKeyStore):', ordered));
  console.log(
    `time order / random: ${(ordered.seconds / random.seconds).toFixed(2)} (whole), ${(ordered.lastBatchMs / random.lastBatchMs).toFixed(2)} (last batches)`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
