/**
 * HTTP intake of the server as `npm start` runs it, against a baseline that costs only the HTTP
 * stack, on the same machine in the same run.
 *
 * The server under test is the real entry point, compiled (`node dist/src/main.js`), in its own
 * process with its defaults: the embedded SQLite store (WAL, synchronous=FULL: every 201 is
 * fsynced before it is sent), the projections and the deadline watcher running in it, pino at
 * `info` (to a file here, not the terminal). The baseline is an echo route with the same auth and
 * the same zod body validation as POST /v1/complaints (bench/echo-server.ts), served by a process
 * of the same kind: the same app, logger and configuration, compiled, on its own temp store.
 * Both get the same number of connections from autocannon, with a front desk's bearer token.
 *
 * Four phases, alternated over rounds after an unmeasured warm-up of each, so that a change in
 * the machine's speed during the run (other work, throttling) weighs on all alike:
 *   echo          the baseline;
 *   durable echo  the echo process again, each body also appended as one event and fsynced before
 *                 the 201, and nothing else: the floor of durable intake on this machine;
 *   new cases     POST /v1/complaints and POST /v1/repairs in turn, ~300-byte bodies, no Idempotency-Key;
 *   actions       POST /v1/complaints/:id/escalate over complaints pre-created through the API.
 * What matters is the ratio of new cases and actions to echo (of the totals; each round's shows
 * the spread): a ratio to the HTTP stack on this machine, not an absolute promise of requests per
 * second. The durable echo says how much of the gap, and of the latency, durability alone takes.
 *
 * Alongside, read from outside the server as an operator could: its CPU time per request (all its
 * threads, and the share of the thread that answers requests) and its RSS (/proc), the
 * projections' lag when the load stops and how soon it is back under 1 s (GET /metrics), and what
 * its log says: what went wrong, and the time the server itself took over each kind of request
 * (the request line's responseTime), to set beside the latency autocannon reads. Appends per fsync
 * are printed only if the server publishes the store's group-commit counters on /metrics; it says
 * so when it does not.
 *
 *   npm run bench:http          (BENCH_ROUNDS=3 BENCH_SECONDS=5 (a phase of a round)
 *                                BENCH_WARMUP=2 (seconds of each phase before the rounds)
 *                                BENCH_CONNECTIONS=50 BENCH_CASES=2000 (complaints pre-created for the actions);
 *                                BENCH_PROFILE=<dir> writes the server's --cpu-prof there;
 *                                BENCH_SOAK=60 instead runs one 60 s phase of new cases and prints the RSS over it;
 *                                BENCH_KEEP=1 keeps the temp directory: both servers' data and logs)
 *
 * `npm run bench:http` compiles the sources first (tsconfig.bench.json); `npx tsx bench/http.ts`
 * runs everything from the sources instead, which is slower and not how production runs.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Result } from 'autocannon';
import * as requests from './http-load.js';
import { createToken, startServer, type ServerProcess } from './http-processes.js';
import {
  cpuMicros, followCatchUp, requestThreadCpuMicros, GROUP_COMMIT_METRICS, groupCommitCount, rssMegabytes, sampleRss, scrapeMetrics, summariseLog,
  type CatchUp, type GroupCommitCount, type RequestKind, type RssSample,
} from './http-probes.js';
import { percentile } from './percentile.js';
import { COMPILED, RULES_DIR } from './repository.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const CASES = Number(process.env.BENCH_CASES ?? 2000);
const SOAK = Number(process.env.BENCH_SOAK ?? 0);
const PROFILE = process.env.BENCH_PROFILE;
const KEEP = Boolean(process.env.BENCH_KEEP);

/** The issue's goals, printed beside the figures. */
const GOAL = { ratio: 0.4, p99Ms: 20, rssMb: 256, lagBackUnderOneSecondWithin: 2 };

/** One phase of one round, with what was read about the server while it ran. */
interface Measured {
  readonly result: Result;
  readonly cpuMicros: number;
  /** Of which the request thread's. */
  readonly requestThreadCpuMicros: number;
  readonly rssPeak: number;
  readonly rssEnd: number;
  readonly rssSamples: readonly RssSample[];
  readonly catchUp: CatchUp | undefined;
  readonly commits: GroupCommitCount | undefined;
}

const rateOf = (r: Result) => r['2xx'] / r.duration;
const failuresOf = (r: Result) => r.non2xx + r.errors + r.timeouts;

/** One kind of request over all rounds. */
class Phase {
  readonly rounds: Measured[] = [];
  constructor(readonly label: string) {}

  add(measured: Measured) {
    this.rounds.push(measured);
  }

  /** Answered requests a second over every round. */
  rate = () => sum(this.rounds.map((m) => m.result['2xx'])) / sum(this.rounds.map((m) => m.result.duration));
  p50 = () => median(this.rounds.map((m) => m.result.latency.p50));
  p99 = () => Math.max(...this.rounds.map((m) => m.result.latency.p99));
  p999 = () => Math.max(...this.rounds.map((m) => m.result.latency.p99_9));
  failures = () => sum(this.rounds.map((m) => failuresOf(m.result)));
  cpuPerRequest = () => sum(this.rounds.map((m) => m.cpuMicros)) / Math.max(1, sum(this.rounds.map((m) => m.result['2xx'])));
  requestThreadCpuPerRequest = () => sum(this.rounds.map((m) => m.requestThreadCpuMicros)) / Math.max(1, sum(this.rounds.map((m) => m.result['2xx'])));
  rates = () => this.rounds.map((m) => rateOf(m.result));
  commits = (): GroupCommitCount | undefined => this.rounds.every((m) => m.commits)
    ? { appends: sum(this.rounds.map((m) => m.commits!.appends)), transactions: sum(this.rounds.map((m) => m.commits!.transactions)) }
    : undefined;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (value: number | undefined, limit = 60) => value === undefined ? `not within ${limit} s` : `${value.toFixed(1)} s`;

/** Non-2xx answers by status, e.g. "409×3 503×1"; socket errors and timeouts after them. */
const failureDetail = (r: Result) => {
  const statuses = Object.entries(r.statusCodeStats ?? {}).filter(([code]) => !code.startsWith('2')).map(([code, { count }]) => `${code}×${count}`);
  if (r.errors > 0) statuses.push(`${r.errors} socket errors`);
  if (r.timeouts > 0) statuses.push(`${r.timeouts} timeouts`);
  return statuses.length > 0 ? ` (${statuses.join(' ')})` : '';
};

const requestFigures = (rate: number, p50: number, p99: number, failures: number, cpuPerRequest: number, requestThreadCpu: number) =>
  `${rate.toFixed(0).padStart(7)} req/s  p50 ${String(p50).padStart(4)} ms  p99 ${String(p99).padStart(4)} ms  ` +
  `non-2xx ${String(failures).padStart(5)}  CPU ${cpuPerRequest.toFixed(0).padStart(5)} µs/req (request thread ${requestThreadCpu.toFixed(0)})`;

const lagFigures = (catchUp: CatchUp | undefined) => catchUp === undefined ? '' :
  `; lag at end ${catchUp.atEnd.seconds.toFixed(1)} s (${catchUp.atEnd.events} events), under 1 s after ${seconds(catchUp.underOneSecondAfter)}, ` +
  `none left after ${seconds(catchUp.caughtUpAfter)} (/metrics took up to ${catchUp.slowestScrapeMs.toFixed(0)} ms)`;

/** A phase of a round: the requests' figures, then what was read about the server meanwhile. */
const roundLines = (label: string, m: Measured) =>
  `  ${label.padEnd(13)}${requestFigures(rateOf(m.result), m.result.latency.p50, m.result.latency.p99, failuresOf(m.result), m.cpuMicros / Math.max(1, m.result['2xx']), m.requestThreadCpuMicros / Math.max(1, m.result['2xx']))}` +
  `${failureDetail(m.result)}\n${' '.repeat(15)}RSS peak ${m.rssPeak.toFixed(0)} MB, end ${m.rssEnd.toFixed(0)} MB${lagFigures(m.catchUp)}`;

const totalLine = (phase: Phase) =>
  `  ${phase.label.padEnd(13)}${requestFigures(phase.rate(), phase.p50(), phase.p99(), phase.failures(), phase.cpuPerRequest(), phase.requestThreadCpuPerRequest())}`;

/**
 * Runs one phase against a server and reads, around it: CPU time and RSS while the load runs
 * (the projections' work during it included), and for the server under test the projections'
 * catch-up after the load stops and the group-commit counters if published. CPU time stops with
 * the load: the catch-up is polled through /metrics, whose own cost would be counted otherwise.
 */
const measure = async (server: ServerProcess, adminToken: string, run: () => Promise<Result>, followsProjections: boolean): Promise<Measured> => {
  server.assertAlive();
  const commitsBefore = groupCommitCount(await scrapeMetrics(server.url, adminToken));
  const [cpuBefore, requestThreadBefore] = await Promise.all([cpuMicros(server.pid), requestThreadCpuMicros(server.pid)]);
  const rss = sampleRss(server.pid);
  const result = await run();
  const loadStoppedAt = performance.now();
  const [cpuAfter, requestThreadAfter] = await Promise.all([cpuMicros(server.pid), requestThreadCpuMicros(server.pid)]);
  await rss.stop();
  const catchUp = followsProjections ? await followCatchUp(server.url, adminToken, loadStoppedAt) : undefined;
  const commitsAfter = groupCommitCount(await scrapeMetrics(server.url, adminToken));
  server.assertAlive();
  return {
    result, cpuMicros: cpuAfter - cpuBefore, requestThreadCpuMicros: requestThreadAfter - requestThreadBefore, rssPeak: rss.peak(), rssEnd: rss.last(), rssSamples: rss.samples, catchUp,
    commits: commitsBefore && commitsAfter
      ? { appends: commitsAfter.appends - commitsBefore.appends, transactions: commitsAfter.transactions - commitsBefore.transactions }
      : undefined,
  };
};

const appendsPerFsync = (phases: readonly Phase[]) => {
  const counts = phases.map((phase) => phase.commits());
  if (counts.some((count) => count === undefined)) {
    return `appends per fsync: not measured: the server does not publish the store's group-commit counters on /metrics ` +
      `(${GROUP_COMMIT_METRICS.appends}, ${GROUP_COMMIT_METRICS.transactions}; the store counts them in stats())`;
  }
  return `appends per fsync: ${phases.map((phase, i) => `${phase.label} ${(counts[i]!.appends / Math.max(1, counts[i]!.transactions)).toFixed(1)} ` +
    `(${counts[i]!.appends} appends in ${counts[i]!.transactions} transactions)`).join(', ')}`;
};

/**
 * What the p99 goal asks of throughput. In this closed loop each connection sends its next request
 * when the last is answered, so the mean latency is connections / throughput whatever the server
 * does (Little's law); the p99 is that mean times the spread of the latencies, which the echo shows
 * for the HTTP stack on this machine. The durable echo then says whether durable intake alone
 * (validate, append one event, fsync) reaches the goal here, before any of the engine's work.
 */
const p99Lines = (echo: Phase, durableEcho: Phase, served: readonly Phase[]) => {
  const meanMs = (phase: Phase) => (1000 * CONNECTIONS) / phase.rate();
  const spread = echo.p99() / meanMs(echo);
  const needed = (1000 * CONNECTIONS * spread) / GOAL.p99Ms;
  const floor = durableEcho.p99();
  return [
    `p99 and throughput: the mean latency of ${CONNECTIONS} connections is connections / throughput ` +
      `(${[...served, durableEcho, echo].map((phase) => `${phase.label} ${meanMs(phase).toFixed(1)} ms`).join(', ')}); ` +
      `the echo's p99 is ${spread.toFixed(1)}× its mean, so a p99 of ${GOAL.p99Ms} ms at that spread needs about ${needed.toFixed(0)} req/s, ${(needed / echo.rate()).toFixed(2)}× the echo`,
    floor > GOAL.p99Ms
      ? `p99 floor: the durable echo, with none of the engine's work, reaches p99 ${floor} ms in its worst round: the ${GOAL.p99Ms} ms goal is below durable intake on this machine`
      : `p99 floor: the durable echo reaches p99 ${floor} ms in its worst round, within the ${GOAL.p99Ms} ms goal`,
  ];
};

const ratioLine = (label: string, phase: Phase, echo: Phase) => {
  const perRound = phase.rates().map((rate, i) => rate / echo.rates()[i]!);
  return `ratio ${label}: ${(phase.rate() / echo.rate()).toFixed(2)} (goal >= ${GOAL.ratio}; rounds ${Math.min(...perRound).toFixed(2)}-${Math.max(...perRound).toFixed(2)})`;
};

/** The lag figures over all of a server's phases: the worst end-of-phase lag and the slowest return under 1 s. */
const lagSummary = (phases: readonly Phase[]) => {
  const catchUps = phases.flatMap((phase) => phase.rounds.map((m) => m.catchUp)).filter((c): c is CatchUp => c !== undefined);
  if (catchUps.length === 0) return 'projections: the server reported no projection lag on /metrics';
  const worstLag = Math.max(...catchUps.map((c) => c.atEnd.seconds));
  const slowest = catchUps.some((c) => c.underOneSecondAfter === undefined) ? undefined : Math.max(...catchUps.map((c) => c.underOneSecondAfter!));
  const slowestScrape = Math.max(...catchUps.map((c) => c.slowestScrapeMs));
  return `projections: lag at the end of a phase ${worstLag.toFixed(1)} s at worst; back under 1 s within ${seconds(slowest)} at worst ` +
    `(goal <= ${GOAL.lagBackUnderOneSecondWithin} s); a /metrics scrape took up to ${slowestScrape.toFixed(0)} ms`;
};

/** The phases' requests as their log lines name them. */
const requestKind: RequestKind = (method, url) => {
  if (method !== 'POST') return undefined;
  if (url === '/bench/echo') return 'echo';
  if (url === '/bench/echo-durable') return 'durable echo';
  if (url === '/v1/complaints' || url === '/v1/repairs') return 'new cases';
  return url.endsWith('/escalate') ? 'actions' : undefined;
};

/**
 * What the log says went wrong, and the time the server itself took (fastify's responseTime: from
 * the request's arrival in its event loop to the answer's last byte handed to the socket). What
 * autocannon reads on top of it is the wait before the server's loop reads the request and the
 * load generator's own delays, on the same cores.
 */
const printLogSummary = async (label: string, server: ServerProcess) => {
  const log = await summariseLog(server.logFile, requestKind);
  const statuses = [...log.failedStatuses].map(([status, count]) => `${status}×${count}`).join(' ') || 'none';
  console.log(`${label} log: ${log.lines} lines; 4xx/5xx answers ${statuses}; warnings and errors ${log.problems.size === 0 ? 'none' : ''}`);
  for (const [what, count] of [...log.problems].sort((a, b) => b[1] - a[1]).slice(0, 5)) console.log(`  ${count}× ${what}`);
  for (const [kind, times] of log.responseTimes) {
    const sorted = [...times].sort((a, b) => a - b);
    console.log(`  ${kind}: time in the server (log's responseTime, the whole run with warm-up) p50 ${percentile(sorted, 0.5).toFixed(1)} ms, ` +
      `p99 ${percentile(sorted, 0.99).toFixed(1)} ms over ${sorted.length} requests`);
  }
};

const warnAboutTheMachine = (failures: number) => {
  // The server and autocannon keep about two cores busy; more load means other work competed for them.
  const [load] = loadavg();
  if (load! > availableParallelism() + 1) console.log(`warning: load average ${load!.toFixed(1)} on ${availableParallelism()} cores: other work competed for the CPU, compare runs with care`);
  if (failures > 0) console.log('warning: some requests failed; the rates above count only the 2xx answers');
};

interface Bench {
  readonly server: ServerProcess;
  readonly echoServer: ServerProcess | undefined;
  readonly adminToken: string;
  readonly deskToken: string;
  readonly echoToken: string;
}

/** The three phases over the rounds, then the totals. */
const runRounds = async ({ server, echoServer, adminToken, deskToken, echoToken }: Bench) => {
  const load = { url: server.url, token: deskToken, connections: CONNECTIONS };
  const echoLoad = { url: echoServer!.url, token: echoToken, connections: CONNECTIONS };
  const complaintIds = await requests.precreateComplaints(load, CASES);
  await followCatchUp(server.url, adminToken, performance.now());
  console.log(`${complaintIds.length} complaints pre-created through the API for the actions`);

  const run = {
    echo: (duration: number) => measure(echoServer!, adminToken, () => requests.echo(echoLoad, duration), false),
    durableEcho: (duration: number) => measure(echoServer!, adminToken, () => requests.durableEcho(echoLoad, duration), false),
    newCases: (duration: number) => measure(server, adminToken, () => requests.newCases(load, duration), true),
    actions: (duration: number) => measure(server, adminToken, () => requests.actions(load, duration, complaintIds), true),
  };
  if (WARMUP > 0) {
    await run.echo(WARMUP);
    await run.durableEcho(WARMUP);
    await run.newCases(WARMUP);
    await run.actions(WARMUP);
  }
  const echo = new Phase('echo');
  const durableEcho = new Phase('durable echo');
  const newCases = new Phase('new cases');
  const actions = new Phase('actions');
  let rssPeak = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`round ${round}/${ROUNDS}`);
    for (const [phase, go] of [[echo, run.echo], [durableEcho, run.durableEcho], [newCases, run.newCases], [actions, run.actions]] as const) {
      const measured = await go(SECONDS);
      phase.add(measured);
      if (phase === newCases || phase === actions) rssPeak = Math.max(rssPeak, measured.rssPeak);
      console.log(roundLines(phase.label, measured));
    }
    console.log(`  ratios to echo: new cases ${(newCases.rates().at(-1)! / echo.rates().at(-1)!).toFixed(2)}, actions ${(actions.rates().at(-1)! / echo.rates().at(-1)!).toFixed(2)}`);
  }

  console.log(`over ${ROUNDS} rounds (p50: median of the rounds; p99: the worst round; CPU: the server's, per 2xx answer, and of it the thread that answers requests)`);
  for (const phase of [echo, durableEcho, newCases, actions]) console.log(totalLine(phase));
  console.log(ratioLine('new cases/echo', newCases, echo));
  console.log(ratioLine('actions/echo', actions, echo));
  console.log(`durable echo/echo: ${(durableEcho.rate() / echo.rate()).toFixed(2)}; new cases/durable echo: ${(newCases.rate() / durableEcho.rate()).toFixed(2)}, ` +
    `actions/durable echo: ${(actions.rate() / durableEcho.rate()).toFixed(2)} (what the engine's own work costs beyond durability)`);
  console.log(`p99: new cases ${newCases.p99()} ms, actions ${actions.p99()} ms, durable echo ${durableEcho.p99()} ms, echo ${echo.p99()} ms (goal <= ${GOAL.p99Ms} ms)`);
  console.log(`p99.9: new cases ${newCases.p999()} ms, actions ${actions.p999()} ms, durable echo ${durableEcho.p999()} ms, echo ${echo.p999()} ms (the worst round; stalls of the server's thread show here first)`);
  for (const line of p99Lines(echo, durableEcho, [newCases, actions])) console.log(line);
  const rssNow = await rssMegabytes(server.pid);
  console.log(`server RSS: peak ${rssPeak.toFixed(0)} MB during the phases, ${actions.rounds.at(-1)!.rssEnd.toFixed(0)} MB when the last one stopped, ` +
    `${rssNow?.toFixed(0)} MB now that the projections caught up (goal <= ${GOAL.rssMb} MB; BENCH_SOAK=60 for the 60 s bound)`);
  console.log(lagSummary([newCases, actions]));
  console.log(appendsPerFsync([durableEcho, newCases, actions]));
  return echo.failures() + durableEcho.failures() + newCases.failures() + actions.failures();
};

/** The RSS bound of the issue: one long phase of new cases, with the RSS every 10 s. */
const runSoak = async ({ server, adminToken, deskToken }: Bench) => {
  const load = { url: server.url, token: deskToken, connections: CONNECTIONS };
  if (WARMUP > 0) await measure(server, adminToken, () => requests.newCases(load, WARMUP), true);
  console.log(`soak: ${SOAK} s of new cases`);
  const soak = new Phase('new cases');
  const measured = await measure(server, adminToken, () => requests.newCases(load, SOAK), true);
  soak.add(measured);
  console.log(roundLines(soak.label, measured));
  const every10s = new Map<number, number>();
  for (const sample of measured.rssSamples) {
    const slot = Math.floor(sample.atSeconds / 10) * 10;
    every10s.set(slot, Math.max(every10s.get(slot) ?? 0, sample.megabytes));
  }
  console.log(`RSS, peak of each 10 s: ${[...every10s].map(([at, mb]) => `${at}s ${mb.toFixed(0)} MB`).join(', ')}`);
  console.log(`server RSS: peak ${measured.rssPeak.toFixed(0)} MB, end ${measured.rssEnd.toFixed(0)} MB (goal <= ${GOAL.rssMb} MB: ${measured.rssPeak <= GOAL.rssMb ? 'met' : 'NOT met'})`);
  console.log(lagSummary([soak]));
  console.log(appendsPerFsync([soak]));
  return soak.failures();
};

const main = async () => {
  const root = await mkdtemp(join(tmpdir(), 'bench-http-'));
  const dataDir = join(root, 'server');
  const echoDataDir = join(root, 'echo');
  await Promise.all([mkdir(dataDir), mkdir(echoDataDir)]);
  // A secret of the kind an operator sets: the admin token reads /metrics (it covers all properties).
  const adminToken = randomBytes(24).toString('base64url');
  const started: ServerProcess[] = [];
  try {
    const [deskToken, echoToken] = await Promise.all([createToken(dataDir, 'frontdesk', 'demo'), createToken(echoDataDir, 'frontdesk', 'demo')]);
    const nodeFlags = PROFILE ? ['--cpu-prof', '--cpu-prof-dir', PROFILE] : [];
    const server = await startServer({ script: 'src/main', dataDir, rulesDir: RULES_DIR, adminToken, logFile: join(root, 'server.log'), nodeFlags });
    started.push(server);
    const echoServer = SOAK > 0 ? undefined : await startServer({ script: 'bench/echo-server', dataDir: echoDataDir, rulesDir: RULES_DIR, adminToken, logFile: join(root, 'echo.log') });
    if (echoServer) started.push(echoServer);
    // The first scrape turns on the default process metrics (an event-loop monitor): both servers carry it alike.
    await Promise.all(started.map((s) => scrapeMetrics(s.url, adminToken)));

    const sizes = requests.bodySizes();
    console.log(`HTTP intake of ${COMPILED ? 'node dist/src/main.js' : 'src/main.ts through tsx'} as npm start runs it (SQLite WAL synchronous=FULL, projections and deadline watcher on, pino info to a file), ` +
      `${CONNECTIONS} connections, frontdesk token; node ${process.version}, ${availableParallelism()} cores`);
    console.log(SOAK > 0
      ? `soak mode: ${WARMUP} s warm-up, then ${SOAK} s of new cases`
      : `${WARMUP} s warm-up of each phase, then ${ROUNDS} rounds of echo, durable echo, new cases, actions, ${SECONDS} s each`);
    console.log(`bodies: complaint ${sizes.complaint} B, repair ${sizes.repair} B, escalation ${sizes.escalation} B; logs and data in ${root}${KEEP ? ' (kept)' : ''}` +
      `${PROFILE ? `; server CPU profile to ${PROFILE}` : ''}`);

    const bench = { server, echoServer, adminToken, deskToken, echoToken };
    const failures = SOAK > 0 ? await runSoak(bench) : await runRounds(bench);
    warnAboutTheMachine(failures);
  } finally {
    const codes = await Promise.all(started.map((s) => s.stop()));
    codes.forEach((code, i) => { if (code !== 0) console.log(`warning: ${started[i]!.logFile} ends with exit code ${code}`); });
    for (const [i, server] of started.entries()) await printLogSummary(i === 0 ? 'server' : 'echo', server).catch(() => undefined);
    if (!KEEP) await rm(root, { recursive: true, force: true });
  }
};

// Interrupted, the benchmark exits through process.exit, which tells the servers it started to stop (see startServer).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
await main();
