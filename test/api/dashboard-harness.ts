import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { searchReaderThread } from '../../src/projections/search/reader-thread.js';
import { openStaffDirectory } from '../../src/app/staff-directory.js';
import { seedTechnicians } from '../staff-fixture.js';
import { Temporal } from 'temporal-polyfill';
import { buildApp, type AppDeps } from '../../src/api/app.js';
import { NUMBERING_STREAM_PREFIX } from '../../src/app/work-order-numbers.js';
import { openTokenStore } from '../../src/api/auth/tokens.js';
import type { ProjectionsView } from '../../src/api/routes/dashboard-routes.js';
import { manualClock } from '../../src/runtime/clock.js';
import { openRulesetRegistry } from '../../src/ruleset/registry.js';
import { allProjections, createProjectionRunner, openReadModelDb, type Projection } from '../../src/projections/index.js';
import { createMemoryEventStore } from '../../src/store/memory.js';
import { CLOCK_START, injector, issueTokens, sampleRuleset, type Harness } from './harness.js';

export interface DashboardHarnessOptions {
  /** Default true: a read-model database and a started projection runner. */
  readonly readModels?: boolean;
  readonly dashboardStream?: AppDeps['dashboardStream'];
  /** What a projection thread adds to the runner: the read model's counts for /metrics. */
  readonly caseCounts?: ProjectionsView['caseCounts'];
  /** And the dashboard's figures, computed where the thread would. */
  readonly dashboardFigures?: ProjectionsView['dashboardFigures'];
  /** Searches and queues answered by the search thread, as main.ts runs them (the read models then in a temporary file). */
  readonly searchThread?: boolean;
  /** The projections the runner keeps, in place of allProjections (a test wraps them to make their writes fail). */
  readonly projections?: (all: Projection[]) => Projection[];
  /** The runner's wait before retrying a failed projection (a test makes it 0). */
  readonly retryDelay?: (failures: number) => number;
  /** How far behind the read models may fall, and how long a request waits for them. */
  readonly readModelLimits?: AppDeps['readModelLimits'];
  /** The app's logger (a test reads what it logs). */
  readonly logger?: AppDeps['logger'];
}

/** The key of the phone digests in the harness's read models. */
export const TEST_PHONE_KEY = Buffer.from('a test key for the phone digests, 32+ chars');

/** The harness of test/api/harness.ts, plus the read models and the projection runner main.ts wires in. */
export const buildDashboardHarness = async (options: DashboardHarnessOptions = {}) => {
  const store = createMemoryEventStore();
  const rulesets = await openRulesetRegistry(store, await sampleRuleset());
  const tokenStore = openTokenStore(':memory:');
  const secrets = issueTokens(tokenStore);
  const clock = manualClock(Temporal.Instant.from(CLOCK_START));
  const withReadModels = options.readModels ?? true;
  const dir = options.searchThread ? mkdtempSync(join(tmpdir(), 'search-thread-')) : undefined;
  const file = dir ? join(dir, 'read-models.db') : ':memory:';
  const db = withReadModels ? openReadModelDb(file) : undefined;
  const searchReader = dir && db ? searchReaderThread(file) : undefined;
  const projections = allProjections(undefined, { phoneKey: TEST_PHONE_KEY });
  const runner = db
    ? createProjectionRunner({
        store,
        db,
        projections: options.projections ? options.projections(projections) : projections,
        rulesets,
        clock,
        ...(options.retryDelay ? { retryDelay: options.retryDelay } : {}),
      })
    : undefined;
  await runner?.start();
  // The app's subscriptions to the runner and the clock, counted: a closed stream must give its back.
  const subscriptions = { projections: 0, clock: 0 };
  const counted =
    <L>(kind: keyof typeof subscriptions, subscribe: (listener: L) => () => unknown) =>
    (listener: L) => {
      subscriptions[kind]++;
      const off = subscribe(listener);
      return () => {
        subscriptions[kind]--;
        off();
      };
    };
  const staff = await openStaffDirectory({ store, clock });
  await seedTechnicians(staff);
  const app = await buildApp({
    store,
    rulesets,
    tokens: tokenStore,
    staff,
    clock,
    manualClock: { ...clock, onChange: counted('clock', clock.onChange) },
    ...(db && runner
      ? {
          readModels: db,
          phoneDigestKey: TEST_PHONE_KEY,
          ...(searchReader ? { searchReader } : {}),
          projections: {
            status: () => runner.status(),
            waitUntilCaughtUp: () => runner.waitUntilCaughtUp(),
            onApplied: counted('projections', runner.onApplied),
            health: () => runner.health(),
            onHealth: (listener) => runner.onHealth(listener),
            ...(options.caseCounts ? { caseCounts: options.caseCounts } : {}),
            ...(options.dashboardFigures ? { dashboardFigures: options.dashboardFigures } : {}),
          },
        }
      : {}),
    ...(options.dashboardStream ? { dashboardStream: options.dashboardStream } : {}),
    ...(options.readModelLimits ? { readModelLimits: options.readModelLimits } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  await app.ready();

  const inject = injector(app, secrets);
  const eventCount = async () => (await store.readAll()).filter((e) => !e.streamName.startsWith(NUMBERING_STREAM_PREFIX)).length;
  const close = async () => {
    await app.close();
    await searchReader?.close();
    await runner?.stop();
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await store.close();
    tokenStore.close();
  };
  const harness: Harness = { app, store, clock, staff, tokens: { store: tokenStore, secrets }, inject, eventCount, close };
  return {
    ...harness,
    db,
    runner,
    subscriptions,
    /** Waits until the read models hold every event written so far. */
    caughtUp: () => runner!.waitUntilCaughtUp(),
    /** Moves the manual clock through the API, as an admin would. */
    at: async (now: string) => {
      const response = await inject('PUT', '/v1/admin/clock', { as: 'adminAll', body: { now } });
      if (response.statusCode !== 200) throw new Error(`clock: ${response.statusCode} ${response.body}`);
    },
  };
};
export type DashboardHarness = Awaited<ReturnType<typeof buildDashboardHarness>>;

/** Every statement prepared on `db` from now until the test ends: what a request read on this connection. */
export const recordQueries = (t: { teardown(fn: () => void): void }, db: Database.Database): string[] => {
  const prepare = db.prepare.bind(db);
  const prepared: string[] = [];
  t.teardown(() => void (db.prepare = prepare));
  db.prepare = ((sql: string) => {
    prepared.push(sql);
    return prepare(sql);
  }) as typeof db.prepare;
  return prepared;
};
