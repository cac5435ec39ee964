/**
 * The reads of `npm run bench:queries`: what the desk asks of the read models (search, queue
 * lists, queue counts) and the plain read by primary key they are set beside, each timed one
 * request at a time from outside the server, as a desk's browser sends them.
 */
import { queueIds } from '../src/domain/record/queues.js';
import { percentile } from './percentile.js';

export interface Probe {
  readonly label: string;
  readonly path: string;
}

export interface Subjects {
  /** A work-order number the server minted (the generated histories have none). */
  readonly number: string;
  readonly unit: string;
  /** A record's collection and id: the primary-key read. */
  readonly record: { readonly segment: string; readonly id: string };
}

const list = (query: Record<string, string>) => `/v1/cases?${new URLSearchParams({ propertyId: 'demo', ...query })}`;

/**
 * The generated descriptions are a place, a problem and a wish, each drawn from many
 * (bench/projections-histories.ts): 漏水 matches about one record in 30 of the log, 深夜装修 one in 30 too;
 * the generated repairs go to tech-1 … tech-40 (bench/technicians.ts), whose page a technician's phone opens;
 * the phone is the one the records posted through the API carry (bench/http-load.ts), in another spelling.
 */
export const probes = (s: Subjects): Probe[] => [
  { label: `primary key GET /v1/${s.record.segment}/{id}`, path: `/v1/${s.record.segment}/${s.record.id}` },
  { label: 'search by number', path: list({ q: s.number }) },
  { label: 'search by unit', path: list({ q: s.unit }) },
  { label: 'search by phone', path: list({ phone: '13800138000' }) },
  { label: 'search 2 characters (漏水)', path: list({ q: '漏水' }) },
  { label: 'search 4 characters (深夜装修)', path: list({ q: '深夜装修' }) },
  { label: 'search 1 character (水)', path: list({ q: '水' }) },
  { label: 'newest first, no filter', path: list({}) },
  { label: "a technician's repairs", path: list({ type: 'repair', technician: 'tech-7', limit: '100' }) },
  ...queueIds.map((queue) => ({ label: `queue=${queue}`, path: list({ queue }) })),
  { label: 'GET /v1/queues', path: '/v1/queues?propertyId=demo' },
];

export interface Latency {
  readonly label: string;
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
  /** Items on the page answered (the last answer's), for a sense of what was read. */
  readonly items: number | null;
}

/** One GET, timed to the last byte of its body; throws on anything but 200. */
const timedGet = async (url: string, token: string): Promise<{ ms: number; body: unknown }> => {
  const start = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  const ms = performance.now() - start;
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${text.slice(0, 300)}`);
  return { ms, body: JSON.parse(text) };
};

const itemsOf = (body: unknown) => {
  const items = (body as { items?: unknown[] }).items;
  return Array.isArray(items) ? items.length : null;
};

/** How many rounds: `warmup` unmeasured, then measured ones while `more(measured)` says so. */
export interface Rounds {
  readonly warmup: number;
  readonly more: (measured: number) => boolean;
}

/**
 * Each probe once a round, the probes interleaved (one of each, then again) so that a change in
 * the machine's speed or in the load weighs on all alike.
 */
export const measureProbes = async (base: string, token: string, list: readonly Probe[], rounds: Rounds): Promise<Latency[]> => {
  const times = list.map(() => [] as number[]);
  const items = list.map(() => null as number | null);
  const { warmup } = rounds;
  for (let round = 0; round < warmup || rounds.more(round - warmup); round++) {
    for (const [i, probe] of list.entries()) {
      const { ms, body } = await timedGet(`${base}${probe.path}`, token);
      if (round < warmup) continue;
      times[i]!.push(ms);
      items[i] = itemsOf(body);
    }
  }
  return list.map((probe, i) => {
    const sorted = times[i]!.sort((a, b) => a - b);
    return { label: probe.label, samples: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), items: items[i]! };
  });
};

/** GET one JSON answer, untimed. */
export const getJson = async <T>(url: string, token: string): Promise<T> => (await timedGet(url, token)).body as T;
