/**
 * The crowd phase of `npm run bench:http`: intake while readers press on the server — 200 dashboard
 * streams open (of 25 managers' tokens, 8 each, the per-token cap) with `limit=1000`, and 10
 * compliance audits (GET /v1/audit/compliance) asked back to back by 10 auditors — against intake
 * alone, in the same run. The intake is a desk's mix at a steady number of open cases (the
 * complaints pre-created before the phase, about 2,000: see requests.steadyMix), so that both
 * halves measure at that size. Beside each, a manager's GET /v1/dashboard asked one at a time,
 * whose latency says what another user meets, and the open cases it counted. Printed against the
 * issue's goals, not asserted.
 */
import { loadavg } from 'node:os';
import { createToken, type ServerProcess } from './http-processes.js';
import { measure, rateOf } from './http-phase.js';
import * as requests from './http-load.js';
import { percentile } from './percentile.js';

export const STREAMS = 200;
const STREAMS_PER_TOKEN = 8;
export const AUDITS = 10;
const GOAL = { intakeRatio: 0.8, dashboardP99Ms: 200 };

export interface CrowdTokens {
  readonly managers: readonly string[];
  readonly auditors: readonly string[];
}

/** The managers' and auditors' tokens, made with the token CLI as the desk's is, a few at a time. */
export const createCrowdTokens = async (dataDir: string): Promise<CrowdTokens> => {
  const many = async (role: string, count: number) => {
    const tokens: string[] = [];
    for (let i = 0; i < count; i += 5)
      tokens.push(...(await Promise.all(Array.from({ length: Math.min(5, count - i) }, () => createToken(dataDir, role, 'demo')))));
    return tokens;
  };
  return { managers: await many('manager', Math.ceil(STREAMS / STREAMS_PER_TOKEN)), auditors: await many('auditor', AUDITS) };
};

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Open dashboard streams, each read to the end as a browser would, so that the server never waits on a full socket. */
const openStreams = async (url: string, tokens: readonly string[]) => {
  const abort = new AbortController();
  let bytes = 0;
  const statuses = new Map<number, number>();
  const reading: Promise<void>[] = [];
  await Promise.all(
    Array.from({ length: STREAMS }, async (_, i) => {
      const token = tokens[Math.floor(i / STREAMS_PER_TOKEN) % tokens.length]!;
      const response = await fetch(`${url}/v1/dashboard/stream?propertyId=demo&limit=1000`, { headers: bearer(token), signal: abort.signal });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const reader = response.body!.getReader();
      reading.push(
        (async () => {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return;
            bytes += value.byteLength;
          }
        })().catch(() => undefined),
      );
    }),
  );
  return {
    statuses,
    bytes: () => bytes,
    close: async () => {
      abort.abort();
      await Promise.all(reading);
    },
  };
};

/** Compliance audits, each auditor asking again as soon as answered; a 429 or 503 is waited out as its Retry-After says. */
const auditLoops = (url: string, tokens: readonly string[], period: string) => {
  let stopped = false;
  const latencies: number[] = [];
  const refused = new Map<number, number>();
  const loops = tokens.map(async (token) => {
    while (!stopped) {
      const started = performance.now();
      const response = await fetch(`${url}/v1/audit/compliance?propertyId=demo&period=${period}`, { headers: bearer(token) });
      await response.arrayBuffer();
      if (response.ok) latencies.push(performance.now() - started);
      else {
        refused.set(response.status, (refused.get(response.status) ?? 0) + 1);
        const wait = Number(response.headers.get('retry-after') ?? 1) * 1000;
        for (const until = performance.now() + wait; !stopped && performance.now() < until; ) await sleep(100);
      }
    }
  });
  return {
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
      return { latencies, refused };
    },
  };
};

/** A manager's dashboard, asked one request at a time while `busy` runs; resolves to the latencies in ms and the open cases each answer counted. */
const dashboardWhile = async <T>(url: string, token: string, busy: () => Promise<T>) => {
  let done = false;
  const latencies: number[] = [];
  const open: number[] = [];
  const asking = (async () => {
    while (!done) {
      const started = performance.now();
      const response = await fetch(`${url}/v1/dashboard?propertyId=demo`, { headers: bearer(token) });
      const body = (await response.json()) as { open?: Record<string, { total: number }> };
      latencies.push(performance.now() - started);
      if (body.open) open.push(Object.values(body.open).reduce((sum, o) => sum + o.total, 0));
    }
  })();
  const result = await busy();
  done = true;
  await asking;
  return { result, latencies: latencies.sort((a, b) => a - b), open: open.sort((a, b) => a - b) };
};

/** The open cases the dashboards counted: their range, or what it was if it did not move. */
const openRange = (sorted: readonly number[]) =>
  sorted.length === 0 ? 'unknown' : sorted[0] === sorted.at(-1) ? `${sorted[0]}` : `${sorted[0]}–${sorted.at(-1)} (median ${percentile(sorted, 0.5)})`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const ms = (sorted: readonly number[], p: number) => (sorted.length === 0 ? 'n/a' : `${percentile(sorted, p).toFixed(0)} ms`);
const counts = (map: ReadonlyMap<number, number>) => [...map].map(([status, n]) => `${n}×${status}`).join(', ') || 'none';

/**
 * Intake alone, then intake in the crowd, `seconds` each, over the open `complaints` pre-created;
 * prints the ratio and the dashboard's latency beside the goals, with the load average before and after.
 */
export const runCrowd = async (
  server: ServerProcess,
  adminToken: string,
  deskToken: string,
  tokens: CrowdTokens,
  seconds: number,
  connections: number,
  complaints: readonly string[],
) => {
  const desk = { url: server.url, token: deskToken, connections };
  const intake = () => measure(server, adminToken, () => requests.steadyMix(desk, seconds, complaints), { metrics: true, projections: true });
  const loadBefore = load();
  const manager = tokens.managers[0]!;
  const period = new Date().toISOString().slice(0, 7);

  const alone = await dashboardWhile(server.url, manager, intake);
  const streams = await openStreams(server.url, tokens.managers);
  const audits = auditLoops(server.url, tokens.auditors, period);
  const crowded = await dashboardWhile(server.url, manager, intake);
  const audited = await audits.stop();
  const pushed = streams.bytes();
  await streams.close();

  const rateAlone = rateOf(alone.result.result);
  const rateCrowded = rateOf(crowded.result.result);
  const ratio = rateCrowded / rateAlone;
  console.log(
    `crowd: ${STREAMS} dashboard streams (limit=1000; answers ${counts(streams.statuses)}) and ${AUDITS} compliance audits of ${period} back to back, ` +
      `while a desk's mix comes in (new cases, escalations, withdrawals and cancellations: the open cases held steady); load average ${loadBefore} before, ${load()} after`,
  );
  console.log(
    `  intake: ${rateCrowded.toFixed(0)} requests/s in the crowd, ${rateAlone.toFixed(0)}/s alone: ratio ${ratio.toFixed(2)} (goal >= ${GOAL.intakeRatio}: ${ratio >= GOAL.intakeRatio ? 'met' : 'NOT met'}); ` +
      `p99 ${crowded.result.result.latency.p99} ms in the crowd, ${alone.result.result.latency.p99} ms alone`,
  );
  console.log(
    `  a manager's GET /v1/dashboard, one at a time: in the crowd p50 ${ms(crowded.latencies, 0.5)}, p99 ${ms(crowded.latencies, 0.99)} over ${crowded.latencies.length} ` +
      `at ${openRange(crowded.open)} open cases (goal p99 <= ${GOAL.dashboardP99Ms} ms: ${crowded.latencies.length > 0 && percentile(crowded.latencies, 0.99) <= GOAL.dashboardP99Ms ? 'met' : 'NOT met'}); ` +
      `alone p50 ${ms(alone.latencies, 0.5)}, p99 ${ms(alone.latencies, 0.99)} over ${alone.latencies.length} at ${openRange(alone.open)} open cases`,
  );
  const sorted = audited.latencies.sort((a, b) => a - b);
  console.log(
    `  audits: ${sorted.length} answered (p50 ${ms(sorted, 0.5)}, p99 ${ms(sorted, 0.99)}), refused ${counts(audited.refused)}; ` +
      `streams received ${(pushed / 1024 / 1024).toFixed(1)} MB`,
  );
  const refusedIntake = { ...alone.result.result.statusCodeStats };
  for (const [status, { count }] of Object.entries(crowded.result.result.statusCodeStats))
    refusedIntake[status] = { count: (refusedIntake[status]?.count ?? 0) + count };
  const notOk = Object.entries(refusedIntake).filter(([status]) => !status.startsWith('2'));
  if (notOk.length > 0) console.log(`  intake answers not 2xx: ${notOk.map(([status, { count }]) => `${count}×${status}`).join(', ')}`);
  return alone.result.result.non2xx + crowded.result.result.non2xx;
};
