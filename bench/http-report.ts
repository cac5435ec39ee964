/** The lines `npm run bench:http` prints: each round, the totals, the ratios, and what the servers' logs say. */
import type { Result } from 'autocannon';
import { availableParallelism, loadavg } from 'node:os';
import { failuresOf, rateOf, type Measured, type Phase } from './http-phase.js';
import type { ServerProcess } from './http-processes.js';
import { GROUP_COMMIT_METRICS, summariseLog, type CatchUp, type RequestKind } from './http-probes.js';
import { CONNECTIONS, GOAL } from './http-settings.js';
import { percentile } from './percentile.js';

export const seconds = (value: number | undefined, limit = 60) => (value === undefined ? `not within ${limit} s` : `${value.toFixed(1)} s`);

/** Non-2xx answers by status, e.g. "409×3 503×1"; socket errors and timeouts after them. */
const failureDetail = (r: Result) => {
  const statuses = Object.entries(r.statusCodeStats ?? {})
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, { count }]) => `${code}×${count}`);
  if (r.errors > 0) statuses.push(`${r.errors} socket errors`);
  if (r.timeouts > 0) statuses.push(`${r.timeouts} timeouts`);
  return statuses.length > 0 ? ` (${statuses.join(' ')})` : '';
};

const requestFigures = (rate: number, p50: number, p99: number, failures: number, cpuPerRequest: number, requestThreadCpu: number) =>
  `${rate.toFixed(0).padStart(7)} req/s  p50 ${String(p50).padStart(4)} ms  p99 ${String(p99).padStart(4)} ms  ` +
  `non-2xx ${String(failures).padStart(5)}  CPU ${cpuPerRequest.toFixed(0).padStart(5)} µs/req (request thread ${requestThreadCpu.toFixed(0)})`;

const lagFigures = (catchUp: CatchUp | undefined) =>
  catchUp === undefined
    ? ''
    : `; lag at end ${catchUp.atEnd.seconds.toFixed(1)} s (${catchUp.atEnd.events} events), under 1 s after ${seconds(catchUp.underOneSecondAfter)}, ` +
      `none left after ${seconds(catchUp.caughtUpAfter)} (/metrics took up to ${catchUp.slowestScrapeMs.toFixed(0)} ms)`;

/** A phase of a round: the requests' figures, then what was read about the server meanwhile. */
export const roundLines = (label: string, m: Measured) =>
  `  ${label.padEnd(13)}${requestFigures(rateOf(m.result), m.result.latency.p50, m.result.latency.p99, failuresOf(m.result), m.cpuMicros / Math.max(1, m.result['2xx']), m.requestThreadCpuMicros / Math.max(1, m.result['2xx']))}` +
  `${failureDetail(m.result)}\n${' '.repeat(15)}RSS peak ${m.rssPeak.toFixed(0)} MB, end ${m.rssEnd.toFixed(0)} MB${lagFigures(m.catchUp)}`;

export const totalLine = (phase: Phase) =>
  `  ${phase.label.padEnd(13)}${requestFigures(phase.rate(), phase.p50(), phase.p99(), phase.failures(), phase.cpuPerRequest(), phase.requestThreadCpuPerRequest())}`;

export const appendsPerFsync = (phases: readonly Phase[]) => {
  const counts = phases.map((phase) => phase.commits());
  if (counts.some((count) => count === undefined)) {
    return (
      `appends per fsync: not measured: the server does not publish the store's group-commit counters on /metrics ` +
      `(${GROUP_COMMIT_METRICS.appends}, ${GROUP_COMMIT_METRICS.transactions}; the store counts them in stats())`
    );
  }
  return `appends per fsync: ${phases
    .map(
      (phase, i) =>
        `${phase.label} ${(counts[i]!.appends / Math.max(1, counts[i]!.transactions)).toFixed(1)} ` +
        `(${counts[i]!.appends} appends in ${counts[i]!.transactions} transactions)`,
    )
    .join(', ')}`;
};

/**
 * What the p99 goal asks of throughput. In this closed loop each connection sends its next request
 * when the last is answered, so the mean latency is connections / throughput whatever the server
 * does (Little's law); the p99 is that mean times the spread of the latencies, which the echo shows
 * for the HTTP stack on this machine. The durable echo then says whether durable intake alone
 * (validate, append one event, fsync) reaches the goal here, before any of the engine's work.
 */
export const p99Lines = (echo: Phase, durableEcho: Phase, served: readonly Phase[]) => {
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

/** A phase's rate against a baseline's, over all rounds and round by round; the goal is stated against the echo. */
export const ratioLine = (label: string, phase: Phase, baseline: Phase, goal = true) => {
  const perRound = phase.rates().map((rate, i) => rate / baseline.rates()[i]!);
  return `ratio ${label}: ${(phase.rate() / baseline.rate()).toFixed(2)} (${goal ? `goal >= ${GOAL.ratio}; ` : ''}rounds ${Math.min(...perRound).toFixed(2)}-${Math.max(...perRound).toFixed(2)})`;
};

/** The lag figures over all of a server's phases: the worst end-of-phase lag and the slowest return under 1 s. */
export const lagSummary = (phases: readonly Phase[]) => {
  const catchUps = phases.flatMap((phase) => phase.rounds.map((m) => m.catchUp)).filter((c): c is CatchUp => c !== undefined);
  if (catchUps.length === 0) return 'projections: the server reported no projection lag on /metrics';
  const worstLag = Math.max(...catchUps.map((c) => c.atEnd.seconds));
  const slowest = catchUps.some((c) => c.underOneSecondAfter === undefined) ? undefined : Math.max(...catchUps.map((c) => c.underOneSecondAfter!));
  const slowestScrape = Math.max(...catchUps.map((c) => c.slowestScrapeMs));
  return (
    `projections: lag at the end of a phase ${worstLag.toFixed(1)} s at worst; back under 1 s within ${seconds(slowest)} at worst ` +
    `(goal <= ${GOAL.lagBackUnderOneSecondWithin} s); a /metrics scrape took up to ${slowestScrape.toFixed(0)} ms`
  );
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
export const printLogSummary = async (label: string, server: ServerProcess) => {
  const log = await summariseLog(server.logFile, requestKind);
  const statuses = [...log.failedStatuses].map(([status, count]) => `${status}×${count}`).join(' ') || 'none';
  console.log(`${label} log: ${log.lines} lines; 4xx/5xx answers ${statuses}; warnings and errors ${log.problems.size === 0 ? 'none' : ''}`);
  for (const [what, count] of [...log.problems].sort((a, b) => b[1] - a[1]).slice(0, 5)) console.log(`  ${count}× ${what}`);
  for (const [kind, times] of log.responseTimes) {
    const sorted = [...times].sort((a, b) => a - b);
    console.log(
      `  ${kind}: time in the server (log's responseTime, the whole run with warm-up) p50 ${percentile(sorted, 0.5).toFixed(1)} ms, ` +
        `p99 ${percentile(sorted, 0.99).toFixed(1)} ms over ${sorted.length} requests`,
    );
  }
};

export const warnAboutTheMachine = (failures: number) => {
  // The server and autocannon keep about two cores busy; more load means other work competed for them.
  const [load] = loadavg();
  if (load! > availableParallelism() + 1)
    console.log(`warning: load average ${load!.toFixed(1)} on ${availableParallelism()} cores: other work competed for the CPU, compare runs with care`);
  if (failures > 0) console.log('warning: some requests failed; the rates above count only the 2xx answers');
};
