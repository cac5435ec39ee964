/**
 * HTTP throughput of real case actions on the durable embedded store, against a baseline that
 * costs only the HTTP stack: an echo route with the same auth and the same zod body validation
 * as POST /v1/complaints. Both are served by one server process (a child, so the load generator
 * does not share its event loop), driven by autocannon with the same connections and duration,
 * in the same run, so the ratio holds on whatever machine this runs on. The two alternate over
 * several rounds, so a change in the machine's speed during the run (other work, throttling)
 * weighs on both alike; the ratio is that of the totals, and each round's is shown for its spread.
 * Each phase first runs unmeasured for a while, so that both are measured warm, optimised by the JIT.
 *
 * npm run bench:http runs it compiled, as production runs the server (`npx tsx bench/http.ts` runs
 * it from the sources).
 *
 *   npm run bench:http          (BENCH_ROUNDS=3 BENCH_SECONDS=5 (a phase of a round)
 *                                BENCH_WARMUP=2 (seconds of each phase before the rounds)
 *                                BENCH_CONNECTIONS=50 BENCH_CASES=2000;
 *                                BENCH_PROFILE=<dir> writes the server's --cpu-prof there)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import { COMPILED, RULES_DIR } from './repository.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const CASES = Number(process.env.BENCH_CASES ?? 2000);

const complaint = {
  propertyId: 'demo', unit: '3-2-1201', category: 'noise', description: '楼上深夜装修噪音，业主多次来电', channel: 'phone',
  owner: { name: '测试业主', phone: '+86 138-0013-8000' },
};

interface Ready {
  readonly port: number;
  readonly token: string;
  readonly ids: readonly string[];
}

/** The server side, run in the child: the app on a temp SQLite file, the echo route, pre-created complaints. */
const serve = async () => {
  const [{ buildApp }, { openTokenStore }, { systemClock }, { openRulesetRegistry }, { lifecycles }, { instantSchema }, { loadRuleset }, { openSqliteEventStore }] = await Promise.all([
    import('../src/api/app.js'), import('../src/api/auth/tokens.js'), import('../src/app/clock.js'), import('../src/app/rulesets.js'),
    import('../src/app/case-history.js'), import('../src/domain/events/envelope.js'), import('../src/ruleset/load.js'), import('../src/store/sqlite.js'),
  ]);
  const store = openSqliteEventStore({ file: join(process.env.BENCH_DATA_DIR!, 'events.db') });
  const rulesets = await openRulesetRegistry(store, await loadRuleset(RULES_DIR));
  const tokens = openTokenStore(':memory:');
  const { token } = tokens.create({ role: 'frontdesk', properties: ['demo'] });
  const app = await buildApp({ store, rulesets, tokens, clock: systemClock });

  const receive = lifecycles.complaint.commands.find((c) => c.creates)!;
  const body = (receive.payload as import('zod').ZodObject).extend({ occurredAt: instantSchema.optional() });
  app.post('/bench/echo', { config: { roles: receive.roles }, schema: { hide: true, body } }, async (request, reply) =>
    reply.status(201).send({ id: 'echo', revision: 0, propertyId: (request.body as { propertyId: string }).propertyId }));
  await app.listen({ port: 0, host: '127.0.0.1' });

  const ids: string[] = [];
  const headers = { authorization: `Bearer ${token}` };
  for (let start = 0; start < CASES; start += 100) {
    const batch = await Promise.all(Array.from({ length: Math.min(100, CASES - start) }, () =>
      app.inject({ method: 'POST', url: '/v1/complaints', headers, payload: complaint })));
    for (const response of batch) {
      if (response.statusCode !== 201) throw new Error(`pre-create: ${response.statusCode} ${response.body}`);
      ids.push(response.json<{ id: string }>().id);
    }
  }
  const ready: Ready = { port: (app.server.address() as { port: number }).port, token, ids };
  process.send!(ready);
  // CPU time the server spent, asked for around each phase: it holds up better than req/s when other work shares the cores.
  process.on('message', (message) => {
    if (message === 'cpu') process.send!({ cpu: process.cpuUsage(), commits: store.stats() });
  });
  process.once('SIGTERM', async () => {
    await app.close();
    await store.close();
    tokens.close();
    process.exit(0);
  });
};

/** One kind of request over all rounds. */
class Phase {
  ok = 0;
  failed = 0;
  seconds = 0;
  cpuMicros = 0;
  readonly perSecond: number[] = [];
  readonly p50: number[] = [];
  readonly p99: number[] = [];

  add(r: Result, cpuMicros: number): void {
    this.ok += r['2xx'];
    this.failed += r.non2xx + r.errors + r.timeouts;
    this.seconds += r.duration;
    this.cpuMicros += cpuMicros;
    this.perSecond.push(r['2xx'] / r.duration);
    this.p50.push(r.latency.p50);
    this.p99.push(r.latency.p99);
  }

  /** Answered requests a second over every round. */
  rate = () => this.ok / this.seconds;
  cpuPerRequest = () => this.cpuMicros / Math.max(1, this.ok);

  summary = (label: string) =>
    `${label.padEnd(44)} ${this.rate().toFixed(0).padStart(7)} req/s  p50 ${String(median(this.p50)).padStart(4)} ms  p99 ${String(Math.max(...this.p99)).padStart(4)} ms  ` +
    `server CPU ${this.cpuPerRequest().toFixed(0).padStart(4)} µs/req  (${this.ok} ok, ${this.failed} failed)`;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const drive = async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-http-'));
  const child = spawn(process.execPath, [...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []), ...(COMPILED ? [] : ['--import', 'tsx']), fileURLToPath(import.meta.url)], {
    env: { ...process.env, BENCH_ROLE: 'server', BENCH_DATA_DIR: dataDir },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const ready = await new Promise<Ready>((resolve, reject) => {
      child.once('message', (message) => resolve(message as Ready));
      child.once('exit', (code) => reject(new Error(`the bench server exited with ${code}`)));
    });
    const url = `http://127.0.0.1:${ready.port}`;
    let commits = { appends: 0, transactions: 0 };
    const serverCpu = () => new Promise<number>((resolve) => {
      const answer = (message: unknown) => {
        const { cpu, commits: stats } = message as { cpu?: NodeJS.CpuUsage; commits: typeof commits };
        if (!cpu) return;
        child.off('message', answer);
        commits = stats;
        resolve(cpu.user + cpu.system);
      };
      child.on('message', answer);
      child.send('cpu');
    });
    const headers = { authorization: `Bearer ${ready.token}`, 'content-type': 'application/json' };
    console.log(`HTTP, ${CONNECTIONS} connections, ${WARMUP} s of warm-up then ${ROUNDS} rounds of echo then actions, ${SECONDS} s each; durable SQLite (WAL, synchronous=FULL) in ${dataDir}; ${ready.ids.length} complaints pre-created`);

    const echo = new Phase();
    const actions = new Phase();
    let appends = 0;
    let transactions = 0;
    let next = 0;
    const escalate = JSON.stringify({ reason: '业主再次来电催促' });
    const runEcho = (duration: number) =>
      autocannon({ url: `${url}/bench/echo`, method: 'POST', headers, body: JSON.stringify(complaint), connections: CONNECTIONS, duration });
    const runActions = (duration: number) => autocannon({
      url, connections: CONNECTIONS, duration,
      requests: [{ method: 'POST', headers, body: escalate, setupRequest: (request) => ({ ...request, path: `/v1/complaints/${ready.ids[next++ % ready.ids.length]}/escalate` }) }],
    });
    if (WARMUP > 0) {
      await runEcho(WARMUP);
      await runActions(WARMUP);
    }
    for (let round = 1; round <= ROUNDS; round++) {
      const beforeEcho = await serverCpu();
      const echoRound = await runEcho(SECONDS);
      const beforeActions = await serverCpu();
      const commitsBefore = commits;
      echo.add(echoRound, beforeActions - beforeEcho);
      const actionsRound = await runActions(SECONDS);
      actions.add(actionsRound, (await serverCpu()) - beforeActions);
      appends += commits.appends - commitsBefore.appends;
      transactions += commits.transactions - commitsBefore.transactions;
      console.log(`round ${round}: echo ${echo.perSecond.at(-1)!.toFixed(0)} req/s, actions ${actions.perSecond.at(-1)!.toFixed(0)} req/s, ratio ${(actions.perSecond.at(-1)! / echo.perSecond.at(-1)!).toFixed(2)}`);
    }
    console.log(echo.summary('baseline: echo with POST /v1/complaints schema'));
    console.log(actions.summary(`POST /v1/complaints/:id/escalate over ${ready.ids.length} cases`));
    console.log(`group commit: ${appends} appends in ${transactions} transactions (${(appends / Math.max(1, transactions)).toFixed(1)} an fsync)`);

    const ratio = actions.rate() / echo.rate();
    const rounds = actions.perSecond.map((rate, index) => rate / echo.perSecond[index]!);
    console.log(`ratio actions/echo: ${ratio.toFixed(2)} (goal >= 0.4; rounds ${Math.min(...rounds).toFixed(2)}-${Math.max(...rounds).toFixed(2)}); p99 ${Math.max(...actions.p99)} ms vs ${Math.max(...echo.p99)} ms`);
    console.log(`server CPU per request, echo/actions: ${(echo.cpuPerRequest() / actions.cpuPerRequest()).toFixed(2)}`);
    // The server and autocannon keep about two cores busy; more load means other work competed for them.
    const [load] = loadavg();
    if (load! > availableParallelism() + 1) console.log(`warning: load average ${load!.toFixed(1)} on ${availableParallelism()} cores: other work competed for the CPU, compare runs with care`);
    if (actions.failed + echo.failed > 0) console.log('warning: some requests failed; the figures above count only what was answered');
  } finally {
    child.kill('SIGTERM');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  }
};

if (process.env.BENCH_ROLE === 'server') await serve();
else await drive();
