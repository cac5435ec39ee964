/**
 * What a historical import through the server costs the front desk: the latency of a desk's new
 * complaints (POST /v1/complaints, one every BENCH_DESK_EVERY_MS, one at a time as a person at a
 * desk sends them) while an administrator's import runs (POST /v1/admin/import, complaints of seven
 * rows, BENCH_IMPORT_DESK_CASES_PER_REQUEST cases a request, one request after the other), against
 * the same desk on the same server with no import, measured alternately in each round (the machines
 * are noisy), and while the read models catch up after the import's last answer. Beside them, the same desk against a bare fastify + zod route that validates and echoes
 * the body (bench/bare-echo-server.ts): what the HTTP stack alone costs at that pace.
 *
 * The server is the real entry point, started as `npm start` starts it (its own process, the
 * embedded SQLite store with synchronous=FULL, the projections and the deadline watcher running),
 * with a desk token made by the token CLI, as an operator makes one.
 *
 *   npm run bench:import-desk     (BENCH_IMPORT_DESK_CASES=20000 a round, BENCH_ROUNDS=2)
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createToken, startServer, type ServerProcess } from './http-processes.js';
import { importComplaints, projectionLag } from './import-requests.js';
import { percentile } from './percentile.js';
import { RULES_DIR } from './repository.js';

const CASES = Number(process.env.BENCH_IMPORT_DESK_CASES ?? 20_000);
const CASES_PER_REQUEST = Number(process.env.BENCH_IMPORT_DESK_CASES_PER_REQUEST ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const EVERY_MS = Number(process.env.BENCH_DESK_EVERY_MS ?? 100);
/** How long the desk works with no import: long enough for a p99 of some hundreds of requests. */
const ALONE_SECONDS = Number(process.env.BENCH_DESK_ALONE_SECONDS ?? 20);

const complaint = {
  propertyId: 'demo',
  unit: '3-2-1502',
  category: 'noise',
  description: '楼上住户深夜装修，电钻声持续到十一点以后，多次沟通无果，请物业尽快协调处理。',
  channel: 'phone',
  owner: { name: '王先生', phone: '13800138000' },
};

interface DeskRun {
  readonly latencies: number[];
  readonly failures: number;
}

/** A desk sending a complaint every EVERY_MS, each after the one before is answered, until `until` resolves. */
const desk = async (url: string, path: string, token: string, until: Promise<unknown>): Promise<DeskRun> => {
  let done = false;
  void until.finally(() => {
    done = true;
  });
  const latencies: number[] = [];
  let failures = 0;
  const body = JSON.stringify(complaint);
  for (let next = performance.now(); !done; ) {
    const started = performance.now();
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    await response.arrayBuffer();
    latencies.push(performance.now() - started);
    if (response.status !== 201) failures += 1;
    next += EVERY_MS;
    const wait = next - performance.now();
    if (wait > 0) await sleep(wait);
    else next = performance.now();
  }
  return { latencies, failures };
};

const row = (label: string, run: DeskRun, extra = '') => {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  const ms = (p: number) => percentile(sorted, p).toFixed(1).padStart(7);
  return `${label.padEnd(34)} ${String(sorted.length).padStart(6)} ${String(run.failures).padStart(6)} ${ms(0.5)} ${ms(0.95)} ${ms(0.99)} ${sorted.at(-1)!.toFixed(1).padStart(7)}${extra}`;
};

const p99 = (run: DeskRun) =>
  percentile(
    [...run.latencies].sort((a, b) => a - b),
    0.99,
  );

const root = await mkdtemp(join(tmpdir(), 'bench-import-desk-'));
const started: ServerProcess[] = [];
try {
  const dataDir = join(root, 'server');
  const bareDir = join(root, 'bare');
  await Promise.all([mkdir(dataDir), mkdir(bareDir)]);
  const adminToken = randomBytes(24).toString('base64url');
  const deskToken = await createToken(dataDir, 'frontdesk', 'demo');
  const server = await startServer({ script: 'src/main', dataDir, rulesDir: RULES_DIR, adminToken, logFile: join(root, 'server.log') });
  started.push(server);
  const bare = await startServer({
    script: 'bench/bare-echo-server',
    dataDir: bareDir,
    rulesDir: RULES_DIR,
    adminToken,
    logFile: join(root, 'bare.log'),
    ready: 'listening',
  });
  started.push(bare);
  console.log(
    `front desk: a new complaint every ${EVERY_MS} ms, one at a time; import: ${CASES} complaints (${CASES * 7} events) a round, ${CASES_PER_REQUEST} a request`,
  );
  console.log(`node ${process.version}, ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(1)} at the start`);
  // Warm both up: the first requests of a process compile its code.
  await desk(server.url, '/v1/complaints', deskToken, sleep(2_000));
  await desk(bare.url, '/bench/echo', deskToken, sleep(2_000));
  console.log(
    `${'phase'.padEnd(34)} ${'sent'.padStart(6)} ${'non201'.padStart(6)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'max ms'.padStart(7)}`,
  );
  for (let round = 1; round <= ROUNDS; round++) {
    const alone = await desk(server.url, '/v1/complaints', deskToken, sleep(ALONE_SECONDS * 1000));
    console.log(row(`round ${round}: no import`, alone));
    const importStarted = performance.now();
    const importing = importComplaints(server.url, adminToken, { prefix: `R${round}`, cases: CASES, perRequest: CASES_PER_REQUEST });
    const during = await desk(server.url, '/v1/complaints', deskToken, importing);
    const events = await importing;
    const seconds = (performance.now() - importStarted) / 1000;
    console.log(
      row(
        `round ${round}: during the import`,
        during,
        `   (import: ${events} events in ${seconds.toFixed(1)} s; p99 ${(p99(during) / p99(alone)).toFixed(2)}x no import)`,
      ),
    );
    // The read models apply the imported events after the import's last answer: the desk meanwhile.
    const caughtUp = (async () => {
      while ((await projectionLag(server.url, adminToken)) > 0) await sleep(200);
    })();
    const catching = performance.now();
    const after = await desk(server.url, '/v1/complaints', deskToken, caughtUp);
    console.log(row(`round ${round}: read models catching up`, after, `   (${((performance.now() - catching) / 1000).toFixed(1)} s)`));
    server.assertAlive();
  }
  const echo = await desk(bare.url, '/bench/echo', deskToken, sleep(ALONE_SECONDS * 1000));
  console.log(row('bare fastify + zod echo', echo));
} finally {
  await Promise.all(started.map((s) => s.stop()));
  await rm(root, { recursive: true, force: true });
}
