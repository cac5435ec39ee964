import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { Temporal } from 'temporal-polyfill';
import { loadCase } from '../../src/app/case-history.js';
import { caseService, type CaseService } from '../../src/app/case-service.js';
import { openStaffDirectory } from '../../src/app/staff-directory.js';
import { seedTechnicians } from '../staff-fixture.js';
import { manualClock, type Clock, type ManualClock } from '../../src/runtime/clock.js';
import { openRulesetRegistry } from '../../src/ruleset/registry.js';
import type { Actor, DomainEvent } from '../../src/domain/events/envelope.js';
import type { RecordType } from '../../src/domain/records.js';
import { allProjections, createProjectionRunner, openReadModelDb, type ProjectionRunner } from '../../src/projections/index.js';
import { createDeadlineWatcher, type DeadlineWatcher, type WatcherLogger } from '../../src/app/deadline-watcher.js';
import { sampleRuleset } from '../domain/case/fixtures.js';
import { createMemoryEventStore } from '../../src/store/memory.js';
import type { EventStore } from '../../src/store/port.js';

/** Monday 2 March 2026, 09:00 in Beijing: a working day in the sample calendar. */
export const START = '2026-03-02T01:00:00Z';
export const at = (duration: Temporal.DurationLike) => Temporal.Instant.from(START).add(duration).toString();

export { complaintBody, repairBody } from '../domain/case/fixtures.js';

const desk: Actor = { id: 'desk-1', role: 'dispatcher' };

/** One store, the sample ruleset published to it, and a manual clock shared by every "process". */
export const buildStore = async (store: EventStore = createMemoryEventStore()) => {
  const rulesets = await openRulesetRegistry(store, sampleRuleset);
  const clock: ManualClock = manualClock(Temporal.Instant.from(START));
  const advance = (duration: Temporal.DurationLike) => clock.set(clock.now().add(duration));
  const events = async (caseType: RecordType, caseId: string): Promise<DomainEvent[]> => [...(await loadCase(store, caseType, caseId)).events];
  const ofType = async (caseType: RecordType, caseId: string, type: string) => (await events(caseType, caseId)).filter((e) => e.type === type);
  return { store, rulesets, clock, advance, events, ofType };
};
export type StoreWorld = Awaited<ReturnType<typeof buildStore>>;

export interface Process {
  readonly cases: CaseService;
  readonly db: Database.Database;
  readonly runner: ProjectionRunner;
  readonly watcher: DeadlineWatcher;
  readonly logs: Array<{ level: string; obj: object; msg: string | undefined }>;
  /** A desk command through this process's case service, at the clock's time. */
  act(caseType: RecordType, caseId: string, name: string, payload?: unknown): ReturnType<CaseService['execute']>;
  /** Waits (bounded by the test timeout) until this process's read model holds the whole log. */
  sync(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * One server "process" over the shared store: its own case service (and case cache), its own
 * read-model database filled by the real projection runner, and its own deadline watcher.
 */
export const startProcess = async (
  world: Pick<StoreWorld, 'store' | 'rulesets' | 'clock'>,
  options: {
    db?: Database.Database;
    clock?: Clock;
    intervalMs?: number;
    runner?: boolean;
    /** The store as this process's case service sees it (the runner reads the shared one). */
    store?: (store: EventStore) => EventStore;
  } = {},
): Promise<Process> => {
  const clock = options.clock ?? world.clock;
  const store = options.store ? options.store(world.store) : world.store;
  const staff = await openStaffDirectory({ store: world.store, clock });
  await seedTechnicians(staff);
  const cases = caseService({ store, rulesets: world.rulesets, clock, staff });
  const db = options.db ?? openReadModelDb(':memory:');
  const runner = createProjectionRunner({ store: world.store, db, projections: allProjections(), rulesets: world.rulesets, clock });
  if (options.runner !== false) await runner.start();
  const logs: Process['logs'] = [];
  const logger: WatcherLogger = {
    info: (obj, msg) => void logs.push({ level: 'info', obj, msg }),
    error: (obj, msg) => void logs.push({ level: 'error', obj, msg }),
  };
  const watcher = createDeadlineWatcher({
    readModels: db,
    cases,
    rulesets: world.rulesets,
    clock,
    logger,
    // Some tests stop the runner to make the read model lag: a check then waits only briefly for it.
    ...(options.runner !== false ? { projections: runner, catchUpWaitMs: 200 } : {}),
    ...(options.intervalMs ? { intervalMs: options.intervalMs } : {}),
  });
  return {
    cases,
    db,
    runner,
    watcher,
    logs,
    act: (caseType, caseId, name, payload = {}) => cases.execute({ caseType, command: { caseId, name, payload, commandId: randomUUID(), actor: desk } }),
    sync: () => runner.waitUntilCaughtUp(),
    async stop() {
      await watcher.stop();
      await runner.stop();
    },
  };
};

/**
 * The store as a process on another machine sees it: each read and append of a case stream
 * waits 0–2 ms first (seeded), so two racing processes interleave differently from case to case.
 */
export const jittery = (store: EventStore, seed: number): EventStore => {
  let state = seed >>> 0;
  const next = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state % 3;
  };
  const pause = () => new Promise((resolve) => setTimeout(resolve, next()));
  return Object.assign(Object.create(store) as EventStore, {
    readStream: async (...args: Parameters<EventStore['readStream']>) => {
      await pause();
      return store.readStream(...args);
    },
    appendToStream: async (...args: Parameters<EventStore['appendToStream']>) => {
      await pause();
      return store.appendToStream(...args);
    },
  });
};

/** Polls `probe` until it holds, at most `ms` (for the polling watcher, whose timer is real). */
export const eventually = async (probe: () => Promise<boolean>, ms = 5_000): Promise<boolean> => {
  const until = Date.now() + ms;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};
