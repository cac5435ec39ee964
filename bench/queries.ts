/**
 * Search and queues against a full store: the desk's reads of the read models (GET /v1/cases by
 * number, unit and Chinese text, the newest records, a technician's repairs, each queue,
 * GET /v1/queues), set beside a plain read by primary
 * key measured in the same run, alone and while new cases come in at a steady rate.
 *
 * The server is the real entry point, compiled (`node dist/src/main.js`), in its own process with
 * its defaults (embedded SQLite store, projections and deadline watcher on), over the case
 * histories bench/projections.ts rebuilds from, its read models caught up before anything is timed.
 * Each read is timed from outside the server, one request at a time (bench/queries-probes.ts);
 * intake is autocannon posting complaints and repairs in turn at BENCH_INTAKE_RATE a second.
 *
 *   npm run bench:queries                  (BENCH_CASES=130000: about 1 million events)
 *   BENCH_CASES=20000 npm run bench:queries (a quick run)
 *   BENCH_EVENTS_DB=/tmp/events.db …       (keep the generated log and reuse it: the server works on a copy)
 *   BENCH_SAMPLES=200 BENCH_INTAKE_RATE=100 BENCH_INTAKE_SECONDS=30 BENCH_KEEP=1 (keep data and log)
 *
 * Goals: p99 ≤ 50 ms for each read; intake with the reads within 10 % of intake alone.
 */
import autocannon, { type Result } from 'autocannon';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRuleset } from '../src/ruleset/load.js';
import { openRulesetRegistry } from '../src/ruleset/registry.js';
import { openSqliteEventStore } from '../src/store/sqlite.js';
import { complaint, precreateComplaints, repair } from './http-load.js';
import { createToken, startServer, type ServerProcess } from './http-processes.js';
import { generate } from './projections-histories.js';
import { getJson, measureProbes, probes, type Latency } from './queries-probes.js';
import { COMPILED, RULES_DIR } from './repository.js';

const CASES = Number(process.env.BENCH_CASES ?? 130_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const INTAKE_RATE = Number(process.env.BENCH_INTAKE_RATE ?? 100);
const INTAKE_SECONDS = Number(process.env.BENCH_INTAKE_SECONDS ?? 30);
const KEEP = process.env.BENCH_KEEP === '1';
const GOAL_P99_MS = 50;

/** The log of generated histories at `file`, written unless it is there already. */
const ensureLog = async (file: string) => {
  if (existsSync(file)) return console.error(`reusing the log in ${file}`);
  const store = openSqliteEventStore({ file });
  const ruleset = await loadRuleset(RULES_DIR);
  await openRulesetRegistry(store, ruleset);
  const start = performance.now();
  await generate(store, ruleset, CASES);
  await store.close();
  console.error(`generated ${CASES} cases in ${((performance.now() - start) / 1000).toFixed(1)} s`);
};

interface LagLine {
  projection: string;
  events: number;
  caughtUp: boolean;
}

/**
 * Until every projection reports itself caught up on the dashboard (503 while the read models are
 * set up). Asked every few seconds: the dashboard's figures are computed on the projection thread,
 * so asking often would slow the catching up it waits for.
 */
const waitUntilCaughtUp = async (server: ServerProcess, token: string) => {
  const start = performance.now();
  let reported = start;
  for (;;) {
    server.assertAlive();
    const response = await fetch(`${server.url}/v1/dashboard?propertyId=demo&limit=1`, { headers: { authorization: `Bearer ${token}` } });
    const lag = response.ok ? ((await response.json()) as { lag: LagLine[] }).lag : null;
    if (lag?.every((line) => line.caughtUp)) return (performance.now() - start) / 1000;
    if (performance.now() - reported > 10_000) {
      reported = performance.now();
      console.error(`  catching up: ${lag ? lag.map((l) => `${l.projection} ${l.events} behind`).join(', ') : `dashboard ${response.status}`}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 3_000));
  }
};

const jsonHeaders = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

/** New cases at a steady rate: complaints and repairs in turn, as the front desks post them. */
const intake = (url: string, token: string): Promise<Result> =>
  // autocannon answers a thenable without finally(): made a promise.
  Promise.resolve(
    autocannon({
      url,
      connections: 10,
      overallRate: INTAKE_RATE,
      duration: INTAKE_SECONDS,
      requests: [
        { method: 'POST', path: '/v1/complaints', headers: jsonHeaders(token), body: JSON.stringify(complaint) },
        { method: 'POST', path: '/v1/repairs', headers: jsonHeaders(token), body: JSON.stringify(repair) },
      ],
    }),
  );

const intakeLine = (label: string, r: Result) =>
  `${label.padEnd(26)} ${(r['2xx'] / r.duration).toFixed(1).padStart(7)} cases/s (asked ${INTAKE_RATE}), p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}`;

const printLatencies = (alone: Latency[], loaded: Latency[]) => {
  const baseline = alone[0]!;
  console.log(
    `${'read'.padEnd(40)} ${'alone p50 / p99 ms'.padStart(20)} ${'× key p99'.padStart(10)} ${'with intake p50 / p99'.padStart(22)} ${'items'.padStart(6)}`,
  );
  for (const [i, a] of alone.entries()) {
    const l = loaded[i]!;
    const pair = (x: Latency) => `${x.p50.toFixed(1)} / ${x.p99.toFixed(1)}`;
    const met = Math.max(a.p99, l.p99) <= GOAL_P99_MS ? '' : '  over the goal';
    console.log(
      `${a.label.padEnd(40)} ${pair(a).padStart(20)} ${(a.p99 / baseline.p99).toFixed(1).padStart(10)} ${pair(l).padStart(22)} ${String(a.items ?? '').padStart(6)}${met}`,
    );
  }
  const worst = Math.max(...alone.slice(1).map((x) => x.p99), ...loaded.slice(1).map((x) => x.p99));
  console.log(`worst p99 of the searches and queues: ${worst.toFixed(1)} ms (goal ≤ ${GOAL_P99_MS} ms): ${worst <= GOAL_P99_MS ? 'met' : 'not met'}`);
  console.log(`samples: ${alone[0]!.samples} each alone, ${loaded[0]!.samples} each with intake`);
};

const main = async () => {
  const root = await mkdtemp(join(tmpdir(), 'bench-queries-'));
  const dataDir = join(root, 'server');
  await mkdir(dataDir);
  const kept = process.env.BENCH_EVENTS_DB;
  await ensureLog(kept ?? join(dataDir, 'events.db'));
  // The server appends to its log: a kept log is copied, so that every run starts from the same one.
  if (kept) await copyFile(kept, join(dataDir, 'events.db'));
  const adminToken = randomBytes(24).toString('base64url');
  const [deskToken, managerToken] = await Promise.all([createToken(dataDir, 'frontdesk', 'demo'), createToken(dataDir, 'manager', 'demo')]);
  let server: ServerProcess | undefined;
  try {
    // Listening is enough: /readyz says not ready while the read models catch up with a large log, which is timed below.
    server = await startServer({ script: 'src/main', dataDir, rulesDir: RULES_DIR, adminToken, logFile: join(root, 'server.log'), ready: 'listening' });
    const catchUp = await waitUntilCaughtUp(server, managerToken);
    // Numbers are minted by the server only: a few cases through the API give the search one to find.
    const [id] = await precreateComplaints({ url: server.url, token: deskToken, connections: 10 }, 20, 10);
    const { number } = await getJson<{ number: string }>(`${server.url}/v1/complaints/${id}`, deskToken);
    await waitUntilCaughtUp(server, managerToken);

    const readModels = new Database(join(dataDir, 'read-models.db'), { readonly: true });
    const records = readModels.prepare('SELECT count(*) FROM cases').pluck().get() as number;
    readModels.close();
    const log = new Database(join(dataDir, 'events.db'), { readonly: true });
    const events = log.prepare('SELECT count(*) FROM events').pluck().get() as number;
    log.close();
    console.log(
      `search and queues of ${COMPILED ? 'node dist/src/main.js' : 'src/main.ts through tsx'} as npm start runs it (projections and deadline watcher on); ` +
        `node ${process.version}, ${availableParallelism()} cores`,
    );
    console.log(
      `store: ${records} records, ${events} events; read models caught up ${catchUp.toFixed(0)} s after the start; data in ${root}${KEEP ? ' (kept)' : ''}`,
    );

    const list = probes({ number, unit: '3-2-1201', record: { segment: 'complaints', id: id! } });
    const alone = await measureProbes(server.url, deskToken, list, { warmup: 5, more: (n) => n < SAMPLES });
    const intakeAlone = await intake(server.url, deskToken);
    let intakeRunning = true;
    const loadedIntake = intake(server.url, deskToken).finally(() => {
      intakeRunning = false;
    });
    const loaded = await measureProbes(server.url, deskToken, list, { warmup: 0, more: () => intakeRunning });
    const intakeWithReads = await loadedIntake;
    server.assertAlive();

    printLatencies(alone, loaded);
    console.log(intakeLine('intake alone', intakeAlone));
    console.log(intakeLine('intake with the reads', intakeWithReads));
    const ratio = intakeWithReads['2xx'] / intakeWithReads.duration / (intakeAlone['2xx'] / intakeAlone.duration);
    console.log(`intake with the reads / alone: ${ratio.toFixed(3)} (goal ≥ 0.90): ${ratio >= 0.9 ? 'met' : 'not met'}`);
  } finally {
    const code = await server?.stop();
    if (code !== undefined && code !== 0) console.log(`warning: the server ends with exit code ${code}; see ${join(root, 'server.log')}`);
    if (!KEEP) await rm(root, { recursive: true, force: true });
  }
};

// Interrupted, the benchmark exits through process.exit, which tells the server it started to stop (see startServer).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
await main();
