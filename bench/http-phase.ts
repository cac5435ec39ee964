/**
 * One kind of request of `npm run bench:http` over its rounds, and the measurement of one round:
 * the load's figures with what was read about the server while it ran.
 */
import type { Result } from 'autocannon';
import type { ServerProcess } from './http-processes.js';
import {
  cpuMicros,
  followCatchUp,
  groupCommitCount,
  requestThreadCpuMicros,
  sampleRss,
  scrapeMetrics,
  type CatchUp,
  type GroupCommitCount,
  type RssSample,
} from './http-probes.js';

/** One phase of one round, with what was read about the server while it ran. */
export interface Measured {
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

export const rateOf = (r: Result) => r['2xx'] / r.duration;
export const failuresOf = (r: Result) => r.non2xx + r.errors + r.timeouts;
export const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** One kind of request over all rounds. */
export class Phase {
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
  commits = (): GroupCommitCount | undefined =>
    this.rounds.every((m) => m.commits)
      ? { appends: sum(this.rounds.map((m) => m.commits!.appends)), transactions: sum(this.rounds.map((m) => m.commits!.transactions)) }
      : undefined;
}

/** What a server offers to be read about besides /proc: GET /metrics (the app's), and projections to follow there. */
export interface Observed {
  readonly metrics: boolean;
  readonly projections: boolean;
}

/**
 * Runs one phase against a server and reads, around it: CPU time and RSS while the load runs
 * (the projections' work during it included), and for the server under test the projections'
 * catch-up after the load stops and the group-commit counters if published. CPU time stops with
 * the load: the catch-up is polled through /metrics, whose own cost would be counted otherwise.
 * A server without /metrics (the bare echo) is read through /proc alone.
 */
export const measure = async (server: ServerProcess, adminToken: string, run: () => Promise<Result>, observed: Observed): Promise<Measured> => {
  server.assertAlive();
  const commitCount = async () => (observed.metrics ? groupCommitCount(await scrapeMetrics(server.url, adminToken)) : undefined);
  const commitsBefore = await commitCount();
  const [cpuBefore, requestThreadBefore] = await Promise.all([cpuMicros(server.pid), requestThreadCpuMicros(server.pid)]);
  const rss = sampleRss(server.pid);
  const result = await run();
  const loadStoppedAt = performance.now();
  const [cpuAfter, requestThreadAfter] = await Promise.all([cpuMicros(server.pid), requestThreadCpuMicros(server.pid)]);
  await rss.stop();
  const catchUp = observed.projections ? await followCatchUp(server.url, adminToken, loadStoppedAt) : undefined;
  const commitsAfter = await commitCount();
  server.assertAlive();
  return {
    result,
    cpuMicros: cpuAfter - cpuBefore,
    requestThreadCpuMicros: requestThreadAfter - requestThreadBefore,
    rssPeak: rss.peak(),
    rssEnd: rss.last(),
    rssSamples: rss.samples,
    catchUp,
    commits:
      commitsBefore && commitsAfter
        ? { appends: commitsAfter.appends - commitsBefore.appends, transactions: commitsAfter.transactions - commitsBefore.transactions }
        : undefined,
  };
};
