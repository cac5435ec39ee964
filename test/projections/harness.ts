import { Temporal } from 'temporal-polyfill';
import type Database from 'better-sqlite3';
import { streamName } from '../../src/app/case-history.js';
import { recordOf } from '../../src/domain/records.js';
import { manualClock, type ManualClock } from '../../src/runtime/clock.js';
import { openRulesetRegistry, type RulesetRegistry } from '../../src/ruleset/registry.js';
import { decide } from '../../src/domain/case/decide.js';
import { evolve, initialCaseState, type CaseState } from '../../src/domain/case/state.js';
import type { Actor } from '../../src/domain/events/envelope.js';
import type { RecordType } from '../../src/domain/records.js';
import { createMemoryEventStore } from '../../src/store/memory.js';
import { NO_STREAM, type AppendResult, type EventStore } from '../../src/store/port.js';
import { allProjections, createProjectionRunner, openReadModelDb, type Projection } from '../../src/projections/index.js';

export const RULES_DIR = new URL('../../rules', import.meta.url).pathname;

/** Monday 2 March 2026, 09:00 in Beijing. */
export const START = '2026-03-02T01:00:00Z';

const staff: Record<string, Actor> = {
  frontdesk: { id: 'desk-1', role: 'frontdesk' },
  dispatcher: { id: 'disp-1', role: 'dispatcher' },
  technician: { id: 'tech-7', role: 'technician' },
  finance: { id: 'fin-1', role: 'finance' },
  inspector: { id: 'qa-1', role: 'inspector' },
  system: { id: 'watcher', role: 'system' },
};
/** Who issues a command: the first of these its roles include, else a dispatcher. */
const actingRoles = ['system', 'technician', 'finance', 'inspector', 'frontdesk'] as const;

import { sampleRuleset } from '../domain/case/fixtures.js';
import { testStaff } from '../staff-fixture.js';

export { complaintBody, repairBody } from '../domain/case/fixtures.js';

/** A memory store with the sample ruleset published, a manual clock, and a desk that runs commands through decide. */
export const buildWorld = async (options: { store?: EventStore } = {}) => {
  const store = options.store ?? createMemoryEventStore();
  const ruleset = sampleRuleset;
  const rulesets: RulesetRegistry = await openRulesetRegistry(store, ruleset);
  const clock: ManualClock = manualClock(Temporal.Instant.from(START));
  const states = new Map<string, CaseState<unknown>>();
  let commands = 0;

  /** Runs one command now (the clock's time) and appends its events; returns the last append. */
  const act = async (caseType: RecordType, caseId: string, name: string, payload: unknown = {}): Promise<AppendResult> => {
    const lifecycle = recordOf(caseType).lifecycle;
    const key = streamName(caseType, caseId);
    let state = states.get(key) ?? initialCaseState(lifecycle);
    const spec = lifecycle.commands.find((c) => c.name === name)!;
    const actor = staff[actingRoles.find((role) => spec.roles.includes(role)) ?? 'dispatcher']!;
    const events = decide(lifecycle, state, { caseId, name, payload, commandId: `cmd-${++commands}`, actor }, { now: clock.now(), ruleset, staff: testStaff });
    const result = await store.appendToStream(
      key,
      events.map((e) => ({ id: e.id, type: e.type, data: e.data as never, metadata: e.metadata as never })),
      { expectedRevision: state.revision ?? NO_STREAM },
    );
    for (const event of events) state = evolve(lifecycle, state, event);
    states.set(key, state);
    return result;
  };
  const advance = (duration: Temporal.DurationLike) => clock.set(clock.now().add(duration));
  const stateOf = (caseType: RecordType, caseId: string) => states.get(streamName(caseType, caseId));
  return { store, ruleset, rulesets, clock, act, advance, stateOf };
};
export type World = Awaited<ReturnType<typeof buildWorld>>;

export const runnerFor = (
  world: World,
  options: { db?: Database.Database; projections?: Projection[]; batchSize?: number; catchUpBatchSize?: number; batchCases?: number } = {},
) => {
  const db = options.db ?? openReadModelDb(':memory:');
  const runner = createProjectionRunner({
    store: world.store,
    db,
    projections: options.projections ?? allProjections(),
    rulesets: world.rulesets,
    clock: world.clock,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.catchUpBatchSize ? { catchUpBatchSize: options.catchUpBatchSize } : {}),
    ...(options.batchCases ? { batchCases: options.batchCases } : {}),
  });
  return { db, runner };
};

/** Both tables, ordered, as plain rows: for comparing two read models. */
export const tablesOf = (db: Database.Database) => ({
  cases: db.prepare('SELECT * FROM cases ORDER BY case_type, case_id').all(),
  clocks: db.prepare('SELECT * FROM case_clocks ORDER BY case_type, case_id, clock').all(),
  kpis: db.prepare('SELECT * FROM case_kpis ORDER BY case_type, case_id').all(),
});

export const iso = (epochMs: number | null) => (epochMs === null ? null : Temporal.Instant.fromEpochMilliseconds(epochMs).toString());
