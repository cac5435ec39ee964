/**
 * How large the two write-ahead logs grow during a historical import, against their documented
 * bound (docs/operations.md, "WAL size") and against the size of the database files they belong to,
 * measured in the same run.
 *
 * The server is the real entry point, started as `npm start` starts it (its own process, the
 * embedded SQLite store, the projections and the search reader running in it), and the import goes
 * through POST /v1/admin/import, as an administrator sends it: complaints of seven rows each, in
 * requests of BENCH_WAL_CASES_PER_REQUEST cases, one after another. Meanwhile this process samples
 * the size of `events.db-wal` and `read-models.db-wal` every few milliseconds, through the import
 * and until the projections have caught up (GET /metrics), and prints the largest of each.
 *
 *   npm run bench:wal            (BENCH_WAL_CASES=20000 by default)
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './http-processes.js';
import { importComplaints, projectionLag } from './import-requests.js';
import { RULES_DIR } from './repository.js';
import { WAL_BOUND_BYTES } from '../src/store/wal-policy.js';

const CASES = Number(process.env.BENCH_WAL_CASES ?? 20_000);
const CASES_PER_REQUEST = Number(process.env.BENCH_WAL_CASES_PER_REQUEST ?? 2_000);
const SAMPLE_EVERY_MS = 10;
const CATCH_UP_TIMEOUT_MS = 10 * 60_000;

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const sizeOf = (file: string) => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

const root = await mkdtemp(join(tmpdir(), 'bench-wal-'));
const dataDir = join(root, 'data');
const adminToken = randomBytes(24).toString('base64url');
const server = await startServer({ script: 'src/main', dataDir, rulesDir: RULES_DIR, adminToken, logFile: join(root, 'server.log') });
const files = { events: join(dataDir, 'events.db'), readModels: join(dataDir, 'read-models.db') };
const peak = { events: 0, readModels: 0 };
const sampler = setInterval(() => {
  peak.events = Math.max(peak.events, sizeOf(`${files.events}-wal`));
  peak.readModels = Math.max(peak.readModels, sizeOf(`${files.readModels}-wal`));
}, SAMPLE_EVERY_MS);

try {
  const started = performance.now();
  const imported = await importComplaints(server.url, adminToken, { prefix: 'WAL', cases: CASES, perRequest: CASES_PER_REQUEST });
  const importSeconds = (performance.now() - started) / 1000;
  const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
  while ((await projectionLag(server.url, adminToken)) > 0) {
    if (Date.now() > deadline) throw new Error('the projections did not catch up in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const caughtUpSeconds = (performance.now() - started) / 1000;
  clearInterval(sampler);

  const database = { events: sizeOf(files.events), readModels: sizeOf(files.readModels) };
  console.log(
    `imported ${imported} events (${CASES} complaints) in ${importSeconds.toFixed(1)} s; projections caught up after ${caughtUpSeconds.toFixed(1)} s`,
  );
  console.log(`documented bound of each WAL: ${mb(WAL_BOUND_BYTES)}`);
  console.log('file                 largest WAL   bound   database file   WAL / database');
  for (const [name, key] of [
    ['events.db', 'events'],
    ['read-models.db', 'readModels'],
  ] as const) {
    const within = peak[key] <= WAL_BOUND_BYTES ? 'within' : 'OVER';
    console.log(
      `${name.padEnd(20)} ${mb(peak[key]).padStart(11)}   ${within.padEnd(6)}  ${mb(database[key]).padStart(13)}   ${(peak[key] / database[key]).toFixed(2).padStart(14)}`,
    );
  }
} finally {
  clearInterval(sampler);
  await server.stop();
  await rm(root, { recursive: true, force: true });
}
