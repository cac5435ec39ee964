import assert from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import type { KpiCase, KpiClock } from '../../../src/domain/kpi/case.js';
import type { KpiRecord } from '../../../src/domain/kpi/record.js';
import type { FeeKpi } from '../../../src/domain/fee/record.js';
import type { ActivityKpi } from '../../../src/domain/activity/record.js';
import type { CheckKpi } from '../../../src/domain/kpi/check.js';
import { kpiRecordOf } from '../../../src/domain/kpi/outcome.js';
import { recordTypes, type RecordType } from '../../../src/domain/records.js';
import { decodeKpiRecord, encodeKpiRecord } from '../../../src/domain/kpi/codec.js';
import { buildWorld } from '../../projections/harness.js';
import { historyOf, stepArbitrary } from '../../projections/histories.js';

const instant = fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 });
const date = fc.constantFrom('2026-02-28', '2026-03-01', '2026-03-31', '2026-12-31');
const id = fc.stringMatching(/^[A-Za-z0-9-]{1,40}$/);

const clock: fc.Arbitrary<KpiClock> = fc.record(
  {
    policyId: fc.constantFrom('complaint.response', 'visit.response', 'repair.completion.complex'),
    deadline: fc.option(instant),
    stoppedAt: fc.option(instant),
    pausedSince: fc.option(instant),
    undetermined: fc.string({ minLength: 1 }),
  },
  { requiredKeys: ['policyId', 'deadline', 'stoppedAt', 'pausedSince'] },
);

const kpiCase: fc.Arbitrary<KpiCase> = fc.record({
  caseType: fc.constantFrom('complaint', 'repair', 'visit'),
  caseId: id,
  propertyId: fc.constant('demo'),
  receivedAt: instant,
  receivedDate: date,
  response: fc.option(clock),
  completion: fc.option(clock),
  voidedAt: fc.option(instant),
  rejectedAt: fc.option(instant),
  closedAt: fc.option(instant),
  closedDate: fc.option(date),
  closedWithCallback: fc.boolean(),
  ratings: fc.array(fc.record({ at: instant, date, satisfied: fc.boolean() }), { maxLength: 4 }),
});

const fenAmount = fc.integer({ min: 0, max: 100_000_000_000 });
const fee: fc.Arbitrary<FeeKpi> = fc.record({
  caseType: fc.constant('fee'),
  caseId: id,
  propertyId: fc.constant('demo'),
  receivedDate: date,
  billedFen: fenAmount,
  waivedFen: fenAmount,
  collectedFen: fc.integer({ min: -1000, max: 100_000_000_000 }),
  dueBy: instant,
});
const activity: fc.Arbitrary<ActivityKpi> = fc.record({
  caseType: fc.constant('activity'),
  caseId: id,
  propertyId: fc.constant('demo'),
  receivedDate: date,
  participants: fc.nat(5000),
  households: fc.option(fc.integer({ min: 1, max: 5000 })),
});
const check: fc.Arbitrary<CheckKpi> = fc.record({
  caseType: fc.constantFrom('archive_check', 'inspection'),
  caseId: id,
  propertyId: fc.constant('demo'),
  receivedDate: date,
  passed: fc.boolean(),
});

t.test('every record type comes back from the kpi column as it went in', async (t) => {
  const seen = new Set<string>();
  fc.assert(
    fc.property(fc.oneof(kpiCase, fee, activity, check), (record: KpiRecord) => {
      seen.add(record.caseType);
      const stored = encodeKpiRecord(record);
      assert.ok(!stored.includes('"demo"'), "the property is the row's key, not part of the column");
      // Cloned: fast-check may build the nested objects without a prototype.
      assert.deepStrictEqual(decodeKpiRecord('demo', stored), structuredClone(record));
    }),
    { numRuns: 400 },
  );
  t.same([...seen].sort(), [...recordTypes].sort(), 'all seven record types were tried');
});

t.test('the records of random histories come back from the kpi column as kpiRecordOf computed them', async (t) => {
  const types = new Set<string>();
  for (const steps of fc.sample(fc.array(stepArbitrary, { minLength: 30, maxLength: 40 }), { numRuns: 10 })) {
    const world = await buildWorld();
    const step = historyOf(world);
    for (const s of steps) await step(s);
    const streams = new Map<string, { caseType: RecordType; caseId: string }>();
    for (const event of await world.store.readAll()) {
      const { caseType, caseId } = (event.metadata ?? {}) as { caseType?: RecordType; caseId?: string };
      if (caseType && caseId) streams.set(event.streamName, { caseType, caseId });
    }
    for (const { caseType, caseId } of streams.values()) {
      const state = world.stateOf(caseType, caseId)!;
      const record = kpiRecordOf(caseType, caseId, state.snapshot.facts, world.ruleset);
      t.same(decodeKpiRecord('demo', encodeKpiRecord(record)), record, `${caseType} ${caseId}`);
      types.add(caseType);
    }
  }
  t.same([...types].sort(), [...recordTypes].sort(), 'every record type');
});
