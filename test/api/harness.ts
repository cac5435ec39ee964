import type { FastifyInstance } from 'fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import type { RateLimits } from '../../src/api/rate-limits.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { Temporal } from 'temporal-polyfill';
import { buildApp, type ConnectionTimeouts } from '../../src/api/app.js';
import type { HeavyWork } from '../../src/api/heavy/work.js';
import { NUMBERING_STREAM_PREFIX } from '../../src/app/work-order-numbers.js';
import { privateLogger } from '../../src/api/log-privacy.js';
import { openTokenStore, type TokenStore } from '../../src/api/auth/tokens.js';
import { manualClock, type Clock, type ManualClock } from '../../src/runtime/clock.js';
import { openRulesetRegistry, type RulesetRegistry } from '../../src/ruleset/registry.js';
import type { Role } from '../../src/domain/events/envelope.js';
import type { Ruleset } from '../../src/domain/ruleset/ruleset.js';
import { loadRuleset } from '../../src/ruleset/load.js';
import { createMemoryEventStore } from '../../src/store/memory.js';
import type { EventStore } from '../../src/store/port.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { openStaffDirectory } from '../../src/app/staff-directory.js';
import { seedTechnicians } from '../staff-fixture.js';

export const RULES_DIR = new URL('../../rules', import.meta.url).pathname;
/** Monday 2 March 2026, 09:00 in Beijing: a working day in the sample calendar. */
export const CLOCK_START = '2026-03-02T01:00:00Z';

/** The technician the action bodies dispatch repairs to, and whose token the harness's technician holds. */
export const ASSIGNED_TECHNICIAN = 'tech-7';

export const staffRoles = ['frontdesk', 'dispatcher', 'technician', 'finance', 'inspector', 'manager', 'auditor', 'admin'] as const satisfies readonly Role[];
export type StaffRole = (typeof staffRoles)[number];
/** Who calls: a role on property `demo`, the all-properties admin, or a front desk of another property. */
export type Caller = StaffRole | 'adminAll' | 'elsewhere' | 'none' | 'bad';

let rulesetOnce: Promise<Ruleset> | undefined;
/** The sample ruleset, read once per test process. */
export const sampleRuleset = () => (rulesetOnce ??= loadRuleset(RULES_DIR));

export interface HarnessOptions {
  /** Default: a fresh in-memory store. The harness closes it. */
  readonly store?: EventStore;
  /** Default true: CLOCK=manual, with PUT /v1/admin/clock. */
  readonly manual?: boolean;
  readonly logger?: FastifyBaseLogger;
  readonly bodyLimit?: number;
  /** Default none (main.ts always has them): the rate limits' tests set their own. */
  readonly rateLimits?: RateLimits;
  /** Default none (main.ts always has them). */
  readonly timeouts?: ConnectionTimeouts;
  /** Default: the sample ruleset. */
  readonly ruleset?: Ruleset;
  /** Default true: the test technicians are added to the staff directory (events of their own in the log). */
  readonly technicians?: boolean;
  /** The clock the app reads, built on the harness's manual clock (default: that clock itself). */
  readonly clock?: (manual: ManualClock) => Clock;
  /** Where the heavy jobs run (src/api/heavy), given the harness's store, clock and rules; default the request thread. The app closes it. */
  readonly heavyWork?: (context: { store: EventStore; clock: Clock; rulesets: RulesetRegistry }) => HeavyWork;
  /** Reuse tokens across an app restart (same secrets). */
  readonly tokens?: { store: TokenStore; secrets: Record<Exclude<Caller, 'none'>, string> };
}

export interface InjectOptions {
  readonly as?: Caller;
  readonly body?: unknown;
  /** Sent as-is, without JSON encoding (malformed JSON, other content types, bytes in other encodings). */
  readonly raw?: string | Buffer;
  readonly headers?: Record<string, string>;
}

/** One token per role of property `demo`, an admin of all properties, a front desk of `elsewhere`, and a forged one. */
export const issueTokens = (tokens: TokenStore): Record<Exclude<Caller, 'none'>, string> => {
  // The technician's token is the person's the action bodies dispatch to: a technician acts on their own jobs only.
  const personOf: Partial<Record<StaffRole, string>> = { technician: ASSIGNED_TECHNICIAN };
  const secrets = Object.fromEntries(
    staffRoles.map((role) => [
      role,
      tokens.create({ role, properties: ['demo'], label: `${role} of demo`, ...(personOf[role] ? { personId: personOf[role] } : {}) }).token,
    ]),
  );
  return {
    ...(secrets as Record<StaffRole, string>),
    adminAll: tokens.create({ role: 'admin', properties: '*', label: 'admin of all' }).token,
    elsewhere: tokens.create({ role: 'frontdesk', properties: ['elsewhere'], label: 'frontdesk of elsewhere' }).token,
    bad: 'wk_000000000000_not-a-real-secret',
  };
};

/** The app as main.ts builds it, on a test store, the sample ruleset (or the one given), a manual clock and one token per role. */
/** Requests to the app as one of the test tokens' roles: a JSON body, or raw bytes with the caller's content type. */
export const injector =
  (app: FastifyInstance, secrets: Readonly<Record<string, string>>) =>
  (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, o: InjectOptions = {}) => {
    const as = o.as ?? 'frontdesk';
    const headers: Record<string, string> = { ...(as === 'none' ? {} : { authorization: `Bearer ${secrets[as]}` }) };
    let payload: string | Buffer | undefined;
    if (o.raw !== undefined) payload = o.raw;
    else if (o.body !== undefined) {
      payload = JSON.stringify(o.body);
      headers['content-type'] = 'application/json';
    }
    return app.inject({ method, url, headers: { ...headers, ...o.headers }, ...(payload === undefined ? {} : { payload }) });
  };

export const buildHarness = async (options: HarnessOptions = {}) => {
  const store = options.store ?? createMemoryEventStore();
  const rulesets = await openRulesetRegistry(store, options.ruleset ?? (await sampleRuleset()));
  const tokenStore = options.tokens?.store ?? openTokenStore(':memory:');
  const secrets = options.tokens?.secrets ?? issueTokens(tokenStore);
  const clock: ManualClock = manualClock(Temporal.Instant.from(CLOCK_START));
  const manual = options.manual ?? true;
  const served = options.clock?.(clock) ?? clock;
  const staff = await openStaffDirectory({ store, clock: served });
  if (options.technicians !== false) await seedTechnicians(staff);
  const app = await buildApp({
    store,
    rulesets,
    tokens: tokenStore,
    staff,
    clock: served,
    ...(manual ? { manualClock: clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    ...(options.heavyWork ? { heavyWork: options.heavyWork({ store, clock: served, rulesets }) } : {}),
  });
  await app.ready();

  const inject = injector(app, secrets);

  /**
   * Number of events in the store bar the counters of work-order numbers: a rejected request must
   * not change it (a creation's number is counted apart, test/api/numbers.test.ts).
   */
  const eventCount = async () => (await store.readAll()).filter((e) => !e.streamName.startsWith(NUMBERING_STREAM_PREFIX)).length;

  const close = async () => {
    await app.close();
    await store.close();
    if (!options.tokens) tokenStore.close();
  };

  return { app, store, clock, staff, tokens: { store: tokenStore, secrets }, inject, eventCount, close };
};
export type Harness = Awaited<ReturnType<typeof buildHarness>>;

/** A temp directory removed at teardown, for SQLite files. */
export const tempDir = async (prefix: string) => {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
};

export const openSqliteIn = (dir: string) => openSqliteEventStore({ file: join(dir, 'events.db') });

export const owner = { name: '张伟测试', phone: '+86 138-0013-8000' };

export const complaintBody = (overrides: Record<string, unknown> = {}) => ({
  propertyId: 'demo',
  unit: '3-2-1201',
  category: 'noise',
  description: '楼上深夜装修噪音',
  channel: 'phone',
  owner,
  ...overrides,
});

export const repairBody = (overrides: Record<string, unknown> = {}) => ({
  propertyId: 'demo',
  location: '3-2-1201',
  category: 'plumbing',
  complexity: 'general',
  description: '厨房水管漏水',
  owner,
  ...overrides,
});

/** The body each action needs to succeed on the happy path. */
export const actionBodies: Record<'complaint' | 'repair', Record<string, unknown>> = {
  complaint: {
    acknowledge: {},
    assign: { department: 'engineering' },
    resolve: { resolution: '已协调施工方' },
    'notify-owner': {},
    callback: { satisfaction: 'satisfied' },
    close: {},
    reopen: { reason: '业主不满意' },
    escalate: { reason: '多次投诉' },
    withdraw: { reason: '业主撤回' },
    reject: { reason: '非物业责任' },
  },
  repair: {
    dispatch: { technicianId: ASSIGNED_TECHNICIAN },
    accept: {},
    arrive: {},
    pause: { reason: 'awaiting_parts' },
    resume: {},
    complete: { workDone: '更换水管' },
    verify: { accepted: true },
    callback: { satisfaction: 'satisfied' },
    close: {},
    cancel: { reason: '业主取消' },
    reclassify: { complexity: 'complex', reason: '需更换主管道' },
  },
};

export const collection = { complaint: 'complaints', repair: 'repairs' } as const;

/** Creates a case as the given caller (default frontdesk of demo) and returns its id. */
export const createCase = async (h: Harness, caseType: 'complaint' | 'repair', as: Caller = 'frontdesk') => {
  const response = await h.inject('POST', `/v1/${collection[caseType]}`, { as, body: caseType === 'complaint' ? complaintBody() : repairBody() });
  if (response.statusCode !== 201) throw new Error(`create ${caseType}: ${response.statusCode} ${response.body}`);
  return response.json<{ id: string; revision: number }>().id;
};

/** Applies actions in order as admin of demo, failing loudly on the first refusal. */
export const drive = async (h: Harness, caseType: 'complaint' | 'repair', id: string, actions: readonly string[]) => {
  for (const action of actions) {
    const response = await h.inject('POST', `/v1/${collection[caseType]}/${id}/${action}`, { as: 'admin', body: actionBodies[caseType][action] });
    if (response.statusCode !== 200) throw new Error(`${action}: ${response.statusCode} ${response.body}`);
  }
};

/** The server's logger at `level`, writing into `lines` (one JSON line each) instead of stdout. */
export const capturedLogger = (level: string) => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: privateLogger(level, sink), lines };
};
