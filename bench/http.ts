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
 * Five phases, alternated over rounds after an unmeasured warm-up of each, so that a change in
 * the machine's speed during the run (other work, throttling) weighs on all alike:
 *   echo          the baseline;
 *   bare echo     the same request to a plain fastify instance with the zod-validated route alone
 *                 (bench/bare-echo-server.ts): no auth hook, no request log, no metrics hook;
 *   durable echo  the echo process again, each body also appended as one event and fsynced before
 *                 the 201, and nothing else: the floor of durable intake on this machine;
 *   new cases     POST /v1/complaints and POST /v1/repairs in turn, ~300-byte bodies, no Idempotency-Key;
 *   actions       POST /v1/complaints/:id/escalate over complaints pre-created through the API.
 * What matters is the ratio of new cases and actions to echo (of the totals; each round's shows
 * the spread): a ratio to the HTTP stack on this machine, not an absolute promise of requests per
 * second. The same ratios to the bare echo set the engine against fastify and zod alone; the
 * durable echo says how much of the gap, and of the latency, durability alone takes.
 *
 * Alongside, read from outside the server as an operator could: its CPU time per request (all its
 * threads, and the share of the thread that answers requests) and its RSS (/proc), the
 * projections' lag when the load stops and how soon it is back under 1 s (GET /metrics), and what
 * its log says: what went wrong, and the time the server itself took over each kind of request
 * (the request line's responseTime), to set beside the latency autocannon reads. Appends per fsync
 * are printed only if the server publishes the store's group-commit counters on /metrics; it says
 * so when it does not.
 *
 * Before the rounds, the crowd phase (bench/http-crowd.ts): intake alone and with 200 dashboard
 * streams open and 10 compliance audits running, and a manager's GET /v1/dashboard beside each.
 *
 *   npm run bench:http          (BENCH_ROUNDS=3 BENCH_SECONDS=5 (a phase of a round)
 *                                BENCH_CROWD=0 skips the crowd phase, BENCH_CROWD=only runs it alone;
 *                                BENCH_CROWD_SECONDS=20 (each half of the crowd phase);
 *                                BENCH_WARMUP=2 (seconds of each phase before the rounds)
 *                                BENCH_CONNECTIONS=50 BENCH_CASES=2000 (complaints pre-created for the actions);
 *                                BENCH_PROFILE=<dir> writes the server's --cpu-prof there;
 *                                BENCH_SOAK=60 instead runs one 60 s phase of new cases and prints the RSS over it;
 *                                BENCH_KEEP=1 keeps the temp directory: both servers' data and logs)
 *
 * The phases and their measurement are in bench/http-phase.ts and bench/http-rounds.ts, the printed
 * lines in bench/http-report.ts, the settings above in bench/http-settings.ts.
 *
 * `npm run bench:http` compiles the sources first (tsconfig.bench.json); `npx tsx bench/http.ts`
 * runs everything from the sources instead, which is slower and not how production runs.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as requests from './http-load.js';
import { createToken, startServer, type ServerProcess } from './http-processes.js';
import { scrapeMetrics } from './http-probes.js';
import { printLogSummary, warnAboutTheMachine } from './http-report.js';
import { runRounds, runSoak } from './http-rounds.js';
import { createCrowdTokens } from './http-crowd.js';
import { CONNECTIONS, CROWD, KEEP, PROFILE, ROUNDS, SECONDS, SOAK, WARMUP } from './http-settings.js';
import { COMPILED, RULES_DIR } from './repository.js';

const main = async () => {
  const root = await mkdtemp(join(tmpdir(), 'bench-http-'));
  const dataDir = join(root, 'server');
  const echoDataDir = join(root, 'echo');
  await Promise.all([mkdir(dataDir), mkdir(echoDataDir)]);
  // A secret of the kind an operator sets: the admin token reads /metrics (it covers all properties).
  const adminToken = randomBytes(24).toString('base64url');
  const started: ServerProcess[] = [];
  // The servers whose logs are summarised at the end; the bare echo writes none.
  const logged: Array<[string, ServerProcess]> = [];
  try {
    const [deskToken, echoToken] = await Promise.all([createToken(dataDir, 'frontdesk', 'demo'), createToken(echoDataDir, 'frontdesk', 'demo')]);
    const crowd = SOAK > 0 || CROWD === '0' ? undefined : await createCrowdTokens(dataDir);
    const nodeFlags = PROFILE ? ['--cpu-prof', '--cpu-prof-dir', PROFILE] : [];
    const server = await startServer({ script: 'src/main', dataDir, rulesDir: RULES_DIR, adminToken, logFile: join(root, 'server.log'), nodeFlags });
    started.push(server);
    logged.push(['server', server]);
    const echoServer =
      SOAK > 0
        ? undefined
        : await startServer({ script: 'bench/echo-server', dataDir: echoDataDir, rulesDir: RULES_DIR, adminToken, logFile: join(root, 'echo.log') });
    if (echoServer) {
      started.push(echoServer);
      logged.push(['echo', echoServer]);
    }
    const bareServer =
      SOAK > 0
        ? undefined
        : await startServer({
            script: 'bench/bare-echo-server',
            dataDir: echoDataDir,
            rulesDir: RULES_DIR,
            adminToken,
            logFile: join(root, 'bare-echo.log'),
            ready: 'listening',
          });
    if (bareServer) started.push(bareServer);
    // The first scrape turns on the default process metrics (an event-loop monitor): both app servers carry it alike.
    await Promise.all(logged.map(([, s]) => scrapeMetrics(s.url, adminToken)));

    const sizes = requests.bodySizes();
    console.log(
      `HTTP intake of ${COMPILED ? 'node dist/src/main.js' : 'src/main.ts through tsx'} as npm start runs it (SQLite WAL synchronous=FULL, projections and deadline watcher on, pino info to a file), ` +
        `${CONNECTIONS} connections, frontdesk token; node ${process.version}, ${availableParallelism()} cores`,
    );
    console.log(
      SOAK > 0
        ? `soak mode: ${WARMUP} s warm-up, then ${SOAK} s of new cases`
        : `${WARMUP} s warm-up of each phase, then ${ROUNDS} rounds of echo, bare echo, durable echo, new cases, actions, ${SECONDS} s each`,
    );
    console.log(
      `bodies: complaint ${sizes.complaint} B, repair ${sizes.repair} B, escalation ${sizes.escalation} B; logs and data in ${root}${KEEP ? ' (kept)' : ''}` +
        `${PROFILE ? `; server CPU profile to ${PROFILE}` : ''}`,
    );

    const bench = { server, echoServer, bareServer, adminToken, deskToken, echoToken, crowd };
    const failures = SOAK > 0 ? await runSoak(bench) : await runRounds(bench);
    warnAboutTheMachine(failures);
  } finally {
    const codes = await Promise.all(started.map((s) => s.stop()));
    codes.forEach((code, i) => {
      if (code !== 0) console.log(`warning: ${started[i]!.logFile} ends with exit code ${code}`);
    });
    for (const [label, server] of logged) await printLogSummary(label, server).catch(() => undefined);
    if (!KEEP) await rm(root, { recursive: true, force: true });
  }
};

// Interrupted, the benchmark exits through process.exit, which tells the servers it started to stop (see startServer).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
await main();
