/** The two ways `npm run bench:http` loads the servers: rounds of every phase, or one long soak of new cases. */
import * as requests from './http-load.js';
import { measure, Phase, type Observed } from './http-phase.js';
import type { ServerProcess } from './http-processes.js';
import { followCatchUp, rssMegabytes } from './http-probes.js';
import { appendsPerFsync, lagSummary, p99Lines, ratioLine, roundLines, totalLine } from './http-report.js';
import { CASES, CONNECTIONS, CROWD, CROWD_SECONDS, GOAL, ROUNDS, SECONDS, SOAK, WARMUP } from './http-settings.js';
import { runCrowd, type CrowdTokens } from './http-crowd.js';

export interface Bench {
  readonly server: ServerProcess;
  /** The echo process (the app's HTTP stack, and the durable echo); absent in a soak. */
  readonly echoServer: ServerProcess | undefined;
  /** A plain fastify with the zod-validated route alone; absent in a soak. */
  readonly bareServer: ServerProcess | undefined;
  readonly adminToken: string;
  readonly deskToken: string;
  readonly echoToken: string;
  /** The managers and auditors of the crowd phase; absent in a soak. */
  readonly crowd: CrowdTokens | undefined;
}

const SERVER: Observed = { metrics: true, projections: true };
const ECHO: Observed = { metrics: true, projections: false };
const BARE: Observed = { metrics: false, projections: false };

const lastRatio = (phase: Phase, baseline: Phase) => (phase.rates().at(-1)! / baseline.rates().at(-1)!).toFixed(2);

/** The five phases over the rounds, then the totals. */
export const runRounds = async ({ server, echoServer, bareServer, adminToken, deskToken, echoToken, crowd }: Bench) => {
  const load = { url: server.url, token: deskToken, connections: CONNECTIONS };
  const echoLoad = { url: echoServer!.url, token: echoToken, connections: CONNECTIONS };
  // The same request as the echo's, bearer header included: the bare server reads no header.
  const bareLoad = { url: bareServer!.url, token: echoToken, connections: CONNECTIONS };
  const complaintIds = await requests.precreateComplaints(load, CASES);
  await followCatchUp(server.url, adminToken, performance.now());
  console.log(`${complaintIds.length} complaints pre-created through the API for the actions`);
  // Before the rounds, while the open cases are about the pre-created ones.
  const crowdFailures = crowd && CROWD !== '0' ? await runCrowd(server, adminToken, deskToken, crowd, CROWD_SECONDS, CONNECTIONS, complaintIds) : 0;
  if (CROWD === 'only') return crowdFailures;

  const run = {
    echo: (duration: number) => measure(echoServer!, adminToken, () => requests.echo(echoLoad, duration), ECHO),
    bareEcho: (duration: number) => measure(bareServer!, adminToken, () => requests.echo(bareLoad, duration), BARE),
    durableEcho: (duration: number) => measure(echoServer!, adminToken, () => requests.durableEcho(echoLoad, duration), ECHO),
    newCases: (duration: number) => measure(server, adminToken, () => requests.newCases(load, duration), SERVER),
    actions: (duration: number) => measure(server, adminToken, () => requests.actions(load, duration, complaintIds), SERVER),
  };
  if (WARMUP > 0) {
    await run.echo(WARMUP);
    await run.bareEcho(WARMUP);
    await run.durableEcho(WARMUP);
    await run.newCases(WARMUP);
    await run.actions(WARMUP);
  }
  const echo = new Phase('echo');
  const bareEcho = new Phase('bare echo');
  const durableEcho = new Phase('durable echo');
  const newCases = new Phase('new cases');
  const actions = new Phase('actions');
  let rssPeak = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`round ${round}/${ROUNDS}`);
    for (const [phase, go] of [
      [echo, run.echo],
      [bareEcho, run.bareEcho],
      [durableEcho, run.durableEcho],
      [newCases, run.newCases],
      [actions, run.actions],
    ] as const) {
      const measured = await go(SECONDS);
      phase.add(measured);
      if (phase === newCases || phase === actions) rssPeak = Math.max(rssPeak, measured.rssPeak);
      console.log(roundLines(phase.label, measured));
    }
    console.log(
      `  ratios to echo: new cases ${lastRatio(newCases, echo)}, actions ${lastRatio(actions, echo)}; ` +
        `to bare echo: new cases ${lastRatio(newCases, bareEcho)}, actions ${lastRatio(actions, bareEcho)}`,
    );
  }

  console.log(
    `over ${ROUNDS} rounds (p50: median of the rounds; p99: the worst round; CPU: the server's, per 2xx answer, and of it the thread that answers requests)`,
  );
  for (const phase of [echo, bareEcho, durableEcho, newCases, actions]) console.log(totalLine(phase));
  console.log(ratioLine('new cases/echo', newCases, echo));
  console.log(ratioLine('actions/echo', actions, echo));
  console.log(ratioLine('new cases/bare echo', newCases, bareEcho, false));
  console.log(ratioLine('actions/bare echo', actions, bareEcho, false));
  console.log(`${ratioLine('echo/bare echo', echo, bareEcho, false)}: what the app's auth hook, request log and metrics hook cost`);
  console.log(
    `durable echo/echo: ${(durableEcho.rate() / echo.rate()).toFixed(2)}; new cases/durable echo: ${(newCases.rate() / durableEcho.rate()).toFixed(2)}, ` +
      `actions/durable echo: ${(actions.rate() / durableEcho.rate()).toFixed(2)} (what the engine's own work costs beyond durability)`,
  );
  console.log(
    `p99: new cases ${newCases.p99()} ms, actions ${actions.p99()} ms, durable echo ${durableEcho.p99()} ms, echo ${echo.p99()} ms, bare echo ${bareEcho.p99()} ms (goal <= ${GOAL.p99Ms} ms)`,
  );
  console.log(
    `p99.9: new cases ${newCases.p999()} ms, actions ${actions.p999()} ms, durable echo ${durableEcho.p999()} ms, echo ${echo.p999()} ms, bare echo ${bareEcho.p999()} ms ` +
      `(the worst round; stalls of the server's thread show here first)`,
  );
  for (const line of p99Lines(echo, durableEcho, [newCases, actions])) console.log(line);
  const rssNow = await rssMegabytes(server.pid);
  console.log(
    `server RSS: peak ${rssPeak.toFixed(0)} MB during the phases, ${actions.rounds.at(-1)!.rssEnd.toFixed(0)} MB when the last one stopped, ` +
      `${rssNow?.toFixed(0)} MB now that the projections caught up (goal <= ${GOAL.rssMb} MB; BENCH_SOAK=60 for the 60 s bound)`,
  );
  console.log(lagSummary([newCases, actions]));
  console.log(appendsPerFsync([durableEcho, newCases, actions]));
  return crowdFailures + echo.failures() + bareEcho.failures() + durableEcho.failures() + newCases.failures() + actions.failures();
};

/** The RSS bound of the issue: one long phase of new cases, with the RSS every 10 s. */
export const runSoak = async ({ server, adminToken, deskToken }: Bench) => {
  const load = { url: server.url, token: deskToken, connections: CONNECTIONS };
  if (WARMUP > 0) await measure(server, adminToken, () => requests.newCases(load, WARMUP), SERVER);
  console.log(`soak: ${SOAK} s of new cases`);
  const soak = new Phase('new cases');
  const measured = await measure(server, adminToken, () => requests.newCases(load, SOAK), SERVER);
  soak.add(measured);
  console.log(roundLines(soak.label, measured));
  const every10s = new Map<number, number>();
  for (const sample of measured.rssSamples) {
    const slot = Math.floor(sample.atSeconds / 10) * 10;
    every10s.set(slot, Math.max(every10s.get(slot) ?? 0, sample.megabytes));
  }
  console.log(`RSS, peak of each 10 s: ${[...every10s].map(([at, mb]) => `${at}s ${mb.toFixed(0)} MB`).join(', ')}`);
  console.log(
    `server RSS: peak ${measured.rssPeak.toFixed(0)} MB, end ${measured.rssEnd.toFixed(0)} MB (goal <= ${GOAL.rssMb} MB: ${measured.rssPeak <= GOAL.rssMb ? 'met' : 'NOT met'})`,
  );
  console.log(lagSummary([soak]));
  console.log(appendsPerFsync([soak]));
  return soak.failures();
};
