/**
 * What `npm run bench:http` reads about a server from outside it, as an operator could: memory and
 * CPU time from /proc, projection lag from GET /metrics, warnings and errors from its log. Nothing
 * here needs a hook in the server, so the server measured is exactly the one `npm start` runs.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';

const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system) the process has used so far, in microseconds. */
export const cpuMicros = (pid: number): Promise<number> => cpuMicrosOf(`/proc/${pid}/stat`);

/**
 * The same for the process's first thread alone: node's main thread, which answers the requests
 * (the projection thread, V8's collector threads and libuv's pool are the rest).
 */
export const requestThreadCpuMicros = (pid: number): Promise<number> => cpuMicrosOf(`/proc/${pid}/task/${pid}/stat`);

const cpuMicrosOf = async (statFile: string): Promise<number> => {
  const stat = await readFile(statFile, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND) * 1e6;
};

/** The process's resident set size in MB (VmRSS), or undefined once it is gone. */
export const rssMegabytes = async (pid: number): Promise<number | undefined> => {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kilobytes = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kilobytes === undefined ? undefined : Number(kilobytes) / 1024;
  } catch {
    return undefined;
  }
};

export interface RssSample {
  readonly atSeconds: number;
  readonly megabytes: number;
}

/** Samples a process's RSS every `everyMs` until stopped: the peak and the last value are what a memory bound is about. */
export const sampleRss = (pid: number, everyMs = 200) => {
  const started = performance.now();
  const samples: RssSample[] = [];
  const take = async () => {
    const megabytes = await rssMegabytes(pid);
    if (megabytes !== undefined) samples.push({ atSeconds: (performance.now() - started) / 1000, megabytes });
  };
  void take();
  const timer = setInterval(() => void take(), everyMs);
  return {
    samples,
    peak: () => Math.max(0, ...samples.map((s) => s.megabytes)),
    last: () => samples.at(-1)?.megabytes ?? 0,
    stop: async () => {
      clearInterval(timer);
      await take();
    },
  };
};

/** GET /metrics with a token for all properties (auditor or admin). */
export const scrapeMetrics = async (url: string, token: string): Promise<string> => {
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET /metrics: ${response.status} ${await response.text()}`);
  return response.text();
};

/** The values of a gauge or counter over all its label sets. */
const samplesOf = (metrics: string, name: string): number[] =>
  metrics
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));

export interface Lag {
  readonly seconds: number;
  readonly events: number;
}

/** The furthest-behind projection's lag, or undefined when the server reports no projections. */
export const projectionLag = (metrics: string): Lag | undefined => {
  const seconds = samplesOf(metrics, 'wuye_projection_lag_seconds');
  const events = samplesOf(metrics, 'wuye_projection_lag_events');
  if (seconds.length === 0) return undefined;
  return { seconds: Math.max(...seconds), events: Math.max(0, ...events) };
};

/**
 * The store's group-commit counters, if the server exposes them. These are the names the
 * benchmark looks for; src/api/metrics.ts does not publish them yet (the store counts them in
 * stats(), which nothing outside the process can read).
 */
export const GROUP_COMMIT_METRICS = { appends: 'wuye_store_appends_total', transactions: 'wuye_store_transactions_total' } as const;

export interface GroupCommitCount {
  readonly appends: number;
  readonly transactions: number;
}

export const groupCommitCount = (metrics: string): GroupCommitCount | undefined => {
  const [appends] = samplesOf(metrics, GROUP_COMMIT_METRICS.appends);
  const [transactions] = samplesOf(metrics, GROUP_COMMIT_METRICS.transactions);
  return appends === undefined || transactions === undefined ? undefined : { appends, transactions };
};

export interface CatchUp {
  /** The lag when the load stopped. */
  readonly atEnd: Lag;
  /** Seconds from the end of the load until the lag was under 1 s; undefined if it was not within the limit. */
  readonly underOneSecondAfter: number | undefined;
  /** Seconds until no event was left to apply; undefined if not within the limit. */
  readonly caughtUpAfter: number | undefined;
  /** How long the slowest scrape took: the server computes its gauges on the event loop the projections share. */
  readonly slowestScrapeMs: number;
}

const LAG_POLL_MS = 200;

/**
 * Follows the projections' lag from the moment the load stopped until they have applied every
 * event (or `limitSeconds` passed): the issue's bound is on how soon it is back under 1 s. Times
 * are those at which the scrape that showed the lag came back (the lag gauges are collected last).
 * A scrape reads the read models and holds the server's one thread meanwhile, so polls are spaced
 * by at least the last scrape's own duration: the catch-up gets at least half the server's time.
 */
export const followCatchUp = async (url: string, token: string, loadStoppedAt: number, limitSeconds = 60): Promise<CatchUp | undefined> => {
  const elapsed = () => (performance.now() - loadStoppedAt) / 1000;
  let slowestScrapeMs = 0;
  let lastScrapeMs = 0;
  const scrapeLag = async () => {
    const started = performance.now();
    const lag = projectionLag(await scrapeMetrics(url, token));
    lastScrapeMs = performance.now() - started;
    slowestScrapeMs = Math.max(slowestScrapeMs, lastScrapeMs);
    return lag;
  };
  const atEnd = await scrapeLag();
  if (!atEnd) return undefined;
  let lag = atEnd;
  let underOneSecondAfter: number | undefined;
  for (;;) {
    if (underOneSecondAfter === undefined && lag.seconds < 1) underOneSecondAfter = elapsed();
    if (lag.events === 0) return { atEnd, underOneSecondAfter, caughtUpAfter: elapsed(), slowestScrapeMs };
    if (elapsed() > limitSeconds) return { atEnd, underOneSecondAfter, caughtUpAfter: undefined, slowestScrapeMs };
    await new Promise((resolve) => setTimeout(resolve, Math.max(LAG_POLL_MS, lastScrapeMs)));
    lag = (await scrapeLag()) ?? { seconds: 0, events: 0 };
  }
};

export interface LogSummary {
  readonly lines: number;
  /** Answers of 4xx and 5xx by status, from the request log lines. */
  readonly failedStatuses: ReadonlyMap<number, number>;
  /** Warning and error lines by message (with the error's message when there is one). */
  readonly problems: ReadonlyMap<string, number>;
  /** The request lines' responseTime (ms, from the request's arrival in fastify to its answer) by kind of request. */
  readonly responseTimes: ReadonlyMap<string, readonly number[]>;
}

const WARN = 40;

/** The kind of a request a log line tells of (e.g. "new cases"), or undefined for one not counted. */
export type RequestKind = (method: string, url: string) => string | undefined;

/**
 * Reads a pino log for what went wrong (failed answers by status, warnings and errors by message)
 * and for how long the server itself took over each kind of request.
 */
export const summariseLog = async (file: string, requestKind: RequestKind = () => undefined): Promise<LogSummary> => {
  const failedStatuses = new Map<number, number>();
  const problems = new Map<string, number>();
  const responseTimes = new Map<string, number[]>();
  let lines = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (!line.startsWith('{')) continue;
    lines += 1;
    let entry: { level?: number; msg?: string; status?: number; method?: string; url?: string; responseTime?: number; err?: { message?: string } };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (typeof entry.status === 'number' && entry.status >= 400) failedStatuses.set(entry.status, (failedStatuses.get(entry.status) ?? 0) + 1);
    const kind = typeof entry.responseTime === 'number' && entry.method && entry.url ? requestKind(entry.method, entry.url) : undefined;
    if (kind !== undefined) {
      const times = responseTimes.get(kind) ?? [];
      times.push(entry.responseTime!);
      responseTimes.set(kind, times);
    }
    if ((entry.level ?? 0) >= WARN) {
      const what = `${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`.slice(0, 160);
      problems.set(what, (problems.get(what) ?? 0) + 1);
    }
  }
  return { lines, failedStatuses, problems, responseTimes };
};
