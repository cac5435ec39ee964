/**
 * Audit reads on a SQLite store filled through decide: as-of replay of single cases (p50/p99
 * over 10,000 replays, against reading the same cases as they are now) and a what-if report
 * over every case under a ruleset with a relaxed complaint response SLA, against the plain
 * compliance report folded from the log, in the same run.
 *
 *   npm run bench:audit            (BENCH_CASES=100000 by default; BENCH_REPLAYS=10000)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Temporal } from 'temporal-polyfill';
import { v5 as uuidv5 } from 'uuid';
import { replayCase } from '../src/audit/case-replay.js';
import { whatIf } from '../src/audit/what-if.js';
import { caseView } from '../src/app/case-view.js';
import { loadCase, streamName } from '../src/app/case-history.js';
import { recordOf } from '../src/domain/records.js';
import { manualClock } from '../src/runtime/clock.js';
import { complianceService } from '../src/app/compliance.js';
import { openRulesetRegistry } from '../src/ruleset/registry.js';
import { decide } from '../src/domain/case/decide.js';
import { evolve, initialCaseState, type CaseState } from '../src/domain/case/state.js';
import type { DomainEvent } from '../src/domain/events/envelope.js';
import type { RecordType } from '../src/domain/records.js';
import { rulesetOf } from '../src/domain/records.js';
import { loadRuleset } from '../src/ruleset/load.js';
import { NO_STREAM, type Json } from '../src/store/port.js';
import { openSqliteEventStore } from '../src/store/sqlite.js';
import { percentile } from './percentile.js';
import { benchStaff } from './technicians.js';
import { RULES_DIR } from './repository.js';

const CASES = Number(process.env.BENCH_CASES ?? 100_000);
const REPLAYS = Number(process.env.BENCH_REPLAYS ?? 10_000);
const NS = '1c9e5b7a-3d2f-5e8b-9a6c-4b7d2e1f0a93';
const START = Temporal.Instant.from('2026-03-01T00:00:00Z');
const END = Temporal.Instant.from('2026-04-05T00:00:00Z');
const owner = { name: '测试业主', phone: '13800000000' };

/** A deterministic pseudo-random sequence, so every run builds the same log. */
let seed = 42;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;

const ms = (n: number) => `${n.toFixed(3)} ms`;

const rules = await loadRuleset(RULES_DIR);
const dir = await mkdtemp(join(tmpdir(), 'bench-audit-'));
const store = openSqliteEventStore({ file: join(dir, 'events.db') });
try {
  const rulesets = await openRulesetRegistry(store, rules);
  const cases: Array<{ caseType: RecordType; caseId: string; receivedAt: Temporal.Instant }> = [];

  // Each case's commands decided in memory, then appended in one write, many cases at a time.
  const steps = (caseType: RecordType): Array<[string, unknown, number]> => {
    const answerMinutes = Math.floor(random() * (caseType === 'complaint' ? 240 : 60));
    return caseType === 'complaint'
      ? [
          ['receive', { propertyId: 'demo', unit: '1-1-101', category: 'noise', description: '噪音', channel: 'phone', owner }, 0],
          ['acknowledge', {}, answerMinutes],
          ...(random() < 0.5 ? [['resolve', { resolution: '已处理' }, answerMinutes + 600] as [string, unknown, number]] : []),
        ]
      : [
          ['report', { propertyId: 'demo', location: '1-1-101', category: 'plumbing', complexity: 'general', description: '漏水', owner }, 0],
          ['dispatch', { technicianId: 'tech-1' }, answerMinutes],
        ];
  };
  const generated = performance.now();
  let pending: Array<Promise<unknown>> = [];
  let events = 0;
  for (let i = 0; i < CASES; i++) {
    const caseType: RecordType = i % 4 === 3 ? 'repair' : 'complaint';
    const caseId = uuidv5(String(i), NS);
    const receivedAt = START.add({ seconds: Math.floor((i * 30 * 86_400) / CASES) });
    let state: CaseState<unknown> = initialCaseState(recordOf(caseType).lifecycle);
    const decided: DomainEvent[] = [];
    for (const [n, [name, payload, minutes]] of steps(caseType).entries()) {
      const now = receivedAt.add({ minutes });
      const out = decide(
        recordOf(caseType).lifecycle,
        state,
        { caseId, name, payload, commandId: `${caseId}-${n}`, actor: { id: 'desk-1', role: 'admin' } },
        { now, ruleset: rules, staff: benchStaff },
      );
      for (const e of out) state = evolve(recordOf(caseType).lifecycle, state, e);
      decided.push(...out);
    }
    events += decided.length;
    cases.push({ caseType, caseId, receivedAt });
    pending.push(
      store.appendToStream(
        streamName(caseType, caseId),
        decided.map((e) => ({ id: e.id, type: e.type, data: e.data as Json, metadata: e.metadata as unknown as Json })),
        { expectedRevision: NO_STREAM },
      ),
    );
    if (pending.length >= 1000) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  console.log(`generated ${CASES} cases (${events} events) through decide into SQLite in ${((performance.now() - generated) / 1000).toFixed(1)} s`);

  const clock = manualClock(END);
  const deps = { store, rulesets, clock };

  // As-of replay of single cases, against the case as it is now (the GET view).
  const replays: number[] = [];
  const views: number[] = [];
  for (let i = 0; i < REPLAYS; i++) {
    const c = cases[Math.floor(random() * cases.length)]!;
    const asOf = c.receivedAt.add({ minutes: Math.floor(random() * 900) });
    let t = performance.now();
    await replayCase(deps, c.caseType, c.caseId, asOf);
    replays.push(performance.now() - t);
    t = performance.now();
    const history = await loadCase(store, c.caseType, c.caseId);
    caseView(history, await rulesets.get(history.state.rulesetVersion!), END);
    views.push(performance.now() - t);
  }
  replays.sort((a, b) => a - b);
  views.sort((a, b) => a - b);
  console.log(`as-of replay, ${REPLAYS} single cases: p50 ${ms(percentile(replays, 0.5))}, p99 ${ms(percentile(replays, 0.99))}`);
  console.log(
    `  case view now (baseline): p50 ${ms(percentile(views, 0.5))}, p99 ${ms(percentile(views, 0.99))}; replay/view p50 ratio ${(percentile(replays, 0.5) / percentile(views, 0.5)).toFixed(2)}`,
  );

  // The plain report, then the what-if under relaxed rules, over every case.
  const files = structuredClone(rules.files) as Record<string, { policies?: Array<{ id: string; duration: unknown }> }>;
  files['sla.yaml']!.policies!.find((p) => p.id === 'complaint.response')!.duration = { kind: 'elapsed', hours: 3 };
  const relaxed = rulesetOf(files);
  const query = { propertyId: 'demo', period: '2026-03', asOf: END.subtract({ hours: 1 }).toString() };
  let t = performance.now();
  const plain = await complianceService(deps).report(query);
  const plainMs = performance.now() - t;
  t = performance.now();
  const result = await whatIf(deps, query, relaxed);
  const whatIfMs = performance.now() - t;
  const timely = result.differences.find((d) => d.id === 'complaint.timely_handling')!;
  console.log(
    `plain compliance report over ${result.cases} cases: ${(plainMs / 1000).toFixed(2)} s (timely handling ${plain.kpis[0]!.numerator}/${plain.kpis[0]!.denominator})`,
  );
  console.log(
    `what-if report (response SLA 3 h): ${(whatIfMs / 1000).toFixed(2)} s, ${timely.cases.length} cases flip; what-if/plain ratio ${(whatIfMs / plainMs).toFixed(2)}`,
  );
  console.log(`memory: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB rss`);
} finally {
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
