/**
 * Projections against the raw log: a full rebuild of every projection from a SQLite event store
 * of realistic case histories, against a plain sequential read of the same log, in the same run.
 *
 *   npm run bench:projections                  (BENCH_CASES=130000: about 1 million events)
 *   BENCH_CASES=5000 npm run bench:projections (a quick run)
 *   BENCH_EVENTS_DB=/tmp/events.db …           (keep the generated log and reuse it in later runs)
 *
 * The script compiles the sources (tsconfig.bench.json) and runs them as production does: node on
 * JavaScript, with the heap limit `npm run rebuild` sets (512 MB): without a limit V8 sizes the
 * heap by the machine's memory, far above what a rebuild keeps alive (docs/performance.md).
 *
 * Goals: rebuild ≥ 0.3 × the raw read's events/s; peak RSS ≤ 256 MB; the compliance report over
 * the rebuilt read model ≤ 500 ms.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Temporal } from 'temporal-polyfill';
import { benchStaff } from './technicians.js';
import { streamName } from '../src/app/case-history.js';
import { recordOf } from '../src/domain/records.js';
import { readModelKpiCases } from '../src/app/kpi-cases.js';
import { manualClock } from '../src/runtime/clock.js';
import { openRulesetRegistry, type RulesetRegistry } from '../src/ruleset/registry.js';
import { decide } from '../src/domain/case/decide.js';
import { evolve, initialCaseState, type CaseState } from '../src/domain/case/state.js';
import { parsePeriod } from '../src/domain/kpi/period.js';
import { complianceReport } from '../src/domain/kpi/report.js';
import type { Actor } from '../src/domain/events/envelope.js';
import type { RecordType } from '../src/domain/records.js';
import type { Ruleset } from '../src/domain/ruleset/ruleset.js';
import { allProjections, createProjectionRunner, openReadModelDb, REBUILD_BATCH_SIZE } from '../src/projections/index.js';
import { pendingAfter } from '../src/projections/log-scan.js';
import { loadRuleset } from '../src/ruleset/load.js';
import { NO_STREAM, type EventStore, type Position } from '../src/store/port.js';
import { openSqliteEventStore } from '../src/store/sqlite.js';
import { RULES_DIR } from './repository.js';

const CASES = Number(process.env.BENCH_CASES ?? 130_000);
/** Cases in progress at once: each tick, each of them due acts, and all those appends are in flight together. */
const IN_FLIGHT = 3_000;
const TICK_MINUTES = 5;

/** A small deterministic generator, so every run writes the same histories. */
const random = (() => {
  let seed = 0x2f6e2b1;
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
})();
const chance = (p: number) => random() < p;
const oneOf = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const ticks = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

interface Step {
  readonly name: string;
  readonly payload: unknown;
  /** Ticks to wait before this step. */
  readonly after: number;
}

const desk: Actor = { id: 'desk-1', role: 'frontdesk' };
const dispatcher: Actor = { id: 'disp-1', role: 'dispatcher' };
const technician: Actor = { id: 'tech-1', role: 'technician' };
const actorOf: Record<string, Actor> = {
  assign: dispatcher,
  dispatch: dispatcher,
  reclassify: dispatcher,
  accept: technician,
  arrive: technician,
  pause: technician,
  resume: technician,
  complete: technician,
};
const owner = { name: '业主', phone: '13800000000' };
/** A closing callback: a dissatisfied owner would need a follow-up first. */
const satisfaction = () => oneOf(['very_satisfied', 'satisfied', 'satisfied', 'satisfied', 'neutral'] as const);

const complaintPlan = (ruleset: Ruleset): Step[] => {
  const spec = ruleset.spec;
  const steps: Step[] = [
    {
      name: 'receive',
      after: 0,
      payload: {
        propertyId: 'demo',
        unit: `${ticks(1, 20)}-${ticks(1, 4)}-${ticks(1, 30)}0${ticks(1, 4)}`,
        category: oneOf(spec.categories.complaint).id,
        description: '业主投诉',
        channel: oneOf(['phone', 'app', 'wechat', 'walk_in'] as const),
        owner,
      },
    },
  ];
  if (chance(0.04)) return [...steps, { name: 'withdraw', payload: { reason: '业主撤回' }, after: ticks(1, 10) }];
  steps.push({ name: 'acknowledge', payload: {}, after: ticks(1, 30) });
  if (chance(0.03)) return [...steps, { name: 'reject', payload: { reason: '非物业责任' }, after: ticks(1, 10) }];
  steps.push({ name: 'assign', payload: { department: oneOf(spec.categories.departments).id }, after: ticks(1, 12) });
  if (chance(0.05)) steps.push({ name: 'escalate', payload: { reason: '重要投诉' }, after: ticks(1, 6) });
  const resolution = () => [
    { name: 'resolve', payload: { resolution: '已处理' }, after: ticks(12, 500) },
    { name: 'notify-owner', payload: {}, after: ticks(1, 12) },
  ];
  steps.push(...resolution());
  if (chance(0.1)) {
    steps.push(
      { name: 'callback', payload: { satisfaction: 'dissatisfied' }, after: ticks(12, 200) },
      { name: 'reopen', payload: { reason: '业主不满意' }, after: ticks(1, 6) },
      ...resolution(),
    );
  }
  if (chance(0.08)) return [...steps, { name: 'close', payload: { reason: '业主电话无人接听' }, after: ticks(12, 300) }];
  steps.push({ name: 'callback', payload: { satisfaction: satisfaction() }, after: ticks(12, 300) });
  return [...steps, { name: 'close', payload: {}, after: ticks(1, 12) }];
};

const repairPlan = (ruleset: Ruleset): Step[] => {
  const steps: Step[] = [
    {
      name: 'report',
      after: 0,
      payload: {
        propertyId: 'demo',
        location: chance(0.8) ? `${ticks(1, 20)}-${ticks(1, 4)}-${ticks(1, 30)}0${ticks(1, 4)}` : oneOf(['B2 car park', 'East gate', 'Clubhouse']),
        category: oneOf(ruleset.spec.categories.repair).id,
        complexity: chance(0.2) ? 'complex' : 'general',
        description: '报修',
        owner,
      },
    },
  ];
  if (chance(0.03)) return [...steps, { name: 'cancel', payload: { reason: '业主取消' }, after: ticks(1, 10) }];
  steps.push({ name: 'dispatch', payload: { technicianId: `tech-${ticks(1, 40)}` }, after: ticks(1, 8) });
  steps.push({ name: 'accept', payload: {}, after: ticks(1, 4) }, { name: 'arrive', payload: {}, after: ticks(1, 12) });
  if (chance(0.1))
    steps.push({
      name: 'reclassify',
      payload: { complexity: (steps[0]!.payload as { complexity: string }).complexity === 'general' ? 'complex' : 'general', reason: '重新评估' },
      after: ticks(1, 12),
    });
  if (chance(0.3))
    steps.push(
      { name: 'pause', payload: { reason: oneOf(['awaiting_parts', 'owner_absent', 'owner_quote'] as const) }, after: ticks(1, 24) },
      { name: 'resume', payload: {}, after: ticks(12, 400) },
    );
  steps.push({ name: 'complete', payload: { workDone: '已修复' }, after: ticks(2, 200) });
  if (chance(0.05))
    steps.push(
      { name: 'verify', payload: { accepted: false }, after: ticks(1, 24) },
      { name: 'arrive', payload: {}, after: ticks(1, 24) },
      { name: 'complete', payload: { workDone: '返修完成' }, after: ticks(2, 48) },
    );
  steps.push({ name: 'verify', payload: { accepted: true }, after: ticks(1, 24) });
  if (chance(0.08)) return [...steps, { name: 'close', payload: { reason: '业主电话无人接听' }, after: ticks(12, 300) }];
  return [
    ...steps,
    { name: 'callback', payload: { satisfaction: satisfaction() }, after: ticks(12, 300) },
    { name: 'close', payload: {}, after: ticks(1, 12) },
  ];
};

interface Flight {
  readonly caseType: RecordType;
  readonly caseId: string;
  readonly steps: Step[];
  next: number;
  dueTick: number;
  state: CaseState<unknown>;
}

/** Writes CASES case histories through decide, many appends in flight at once (group commit), on a clock moving a tick at a time. */
const generate = async (store: EventStore, ruleset: Ruleset): Promise<void> => {
  const clock = manualClock(Temporal.Instant.from('2026-03-02T00:00:00Z'));
  const flights = new Set<Flight>();
  let opened = 0;
  let tick = 0;
  let written = 0;
  let lastReport = performance.now();
  while (opened < CASES || flights.size > 0) {
    while (flights.size < IN_FLIGHT && opened < CASES) {
      const caseType: RecordType = chance(0.45) ? 'complaint' : 'repair';
      flights.add({
        caseType,
        caseId: `b${opened++}`,
        steps: caseType === 'complaint' ? complaintPlan(ruleset) : repairPlan(ruleset),
        next: 0,
        dueTick: tick + ticks(0, 3),
        state: initialCaseState(recordOf(caseType).lifecycle),
      });
    }
    const now = clock.now();
    const due = [...flights].filter((f) => f.dueTick <= tick);
    await Promise.all(
      due.map(async (flight) => {
        const step = flight.steps[flight.next]!;
        const lifecycle = recordOf(flight.caseType).lifecycle;
        const command = {
          caseId: flight.caseId,
          name: step.name,
          payload: step.payload,
          commandId: `${flight.caseId}-${flight.next}`,
          actor: actorOf[step.name] ?? desk,
        };
        const events = decide(lifecycle, flight.state, command, { now, ruleset, staff: benchStaff });
        await store.appendToStream(streamName(flight.caseType, flight.caseId), events as never, { expectedRevision: flight.state.revision ?? NO_STREAM });
        for (const event of events) flight.state = evolve(lifecycle, flight.state, event);
        written += events.length;
        flight.next += 1;
        if (flight.next === flight.steps.length) flights.delete(flight);
        else flight.dueTick = tick + Math.max(1, flight.steps[flight.next]!.after);
      }),
    );
    tick += 1;
    clock.set(now.add({ minutes: TICK_MINUTES }));
    if (performance.now() - lastReport > 5_000) {
      lastReport = performance.now();
      console.error(`  generating: ${opened} cases opened, ${written} events written, ${clock.now().toString().slice(0, 16)}`);
    }
  }
};

/** A plain sequential read of the whole log, page by page: the baseline. */
const readEverything = async (store: EventStore): Promise<number> => {
  let count = 0;
  let from: Position | 'start' = 'start';
  for (;;) {
    const page = await store.readAll({ from, maxCount: 1_000 });
    const fresh = from === 'start' ? page : page.slice(1);
    count += fresh.length;
    if (page.length < 1_000) return count;
    from = page.at(-1)!.position;
  }
};

interface Timing {
  readonly label: string;
  readonly events: number;
  readonly seconds: number;
}
const timed = async (label: string, run: () => Promise<number>): Promise<Timing> => {
  const started = performance.now();
  const events = await run();
  return { label, events, seconds: (performance.now() - started) / 1000 };
};

/** The agreement compliance report of the demo property for 2026 over the rebuilt read model, as the API makes it now. */
const timeComplianceReport = async (readModels: { file: string; rulesets: RulesetRegistry }): Promise<Timing | null> => {
  const db = openReadModelDb(readModels.file);
  const ruleset = readModels.rulesets.current;
  const property = ruleset.property('demo')!;
  const period = parsePeriod('2026');
  const started = performance.now();
  let counted = 0;
  const cases = (function* () {
    for (const c of readModelKpiCases(db, property.id, period)) {
      counted += 1;
      yield c;
    }
  })();
  complianceReport({
    propertyId: property.id,
    period,
    asOf: new Date().toISOString(),
    timeZone: property.timeZone,
    agreement: property.agreementRules,
    rulesetVersion: ruleset.version,
    cases,
  });
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return { label: 'compliance report (demo, 2026)', events: counted, seconds };
};

const main = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bench-projections-'));
  const eventsFile = process.env.BENCH_EVENTS_DB ?? join(dir, 'events.db');
  const reuse = existsSync(eventsFile);
  const store = openSqliteEventStore({ file: eventsFile });
  const ruleset = await loadRuleset(RULES_DIR);
  const rulesets = await openRulesetRegistry(store, ruleset);
  if (reuse) console.error(`reusing the log in ${eventsFile}`);
  else {
    const generation = await timed('generate', async () => {
      await generate(store, ruleset);
      return 0;
    });
    console.error(`generated ${CASES} cases in ${generation.seconds.toFixed(1)} s (${store.stats().transactions} transactions)`);
  }

  const raw = await timed('raw sequential read (readAll pages of 1000)', () => readEverything(store));
  const rssBeforeRebuild = process.resourceUsage().maxRSS / 1024;
  const { count: caseEvents, last: head } = await pendingAfter(store, null);
  const readModelsFile = join(dir, 'read-models.db');
  const db = openReadModelDb(readModelsFile);
  const runner = createProjectionRunner({
    store,
    db,
    projections: allProjections(),
    rulesets,
    clock: { now: () => Temporal.Now.instant() },
    batchSize: Number(process.env.BENCH_BATCH ?? REBUILD_BATCH_SIZE),
  });
  const rebuild = await timed('rebuild of all projections', async () => {
    await runner.start();
    if (head) await runner.waitForPosition(head);
    await runner.stop();
    return caseEvents;
  });
  const compliance = await timeComplianceReport({ file: readModelsFile, rulesets });
  db.close();
  await store.close();

  const perSecond = (t: Timing) => t.events / t.seconds;
  const line = (t: Timing) =>
    `${t.label.padEnd(46)} ${String(t.events).padStart(9)} events ${t.seconds.toFixed(2).padStart(7)} s ${Math.round(perSecond(t)).toLocaleString('en').padStart(10)} events/s`;
  const ratio = perSecond(rebuild) / perSecond(raw);
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(`log: ${raw.events} events (${caseEvents} case events)`);
  console.log(line(raw));
  console.log(line(rebuild));
  if (compliance)
    console.log(
      `${compliance.label.padEnd(46)} ${String(compliance.events).padStart(9)} cases  ${(compliance.seconds * 1000).toFixed(0).padStart(7)} ms (goal ≤ 500 ms)`,
    );
  console.log(`rebuild / raw read: ${ratio.toFixed(2)} (goal ≥ 0.30)`);
  console.log(`peak RSS: ${peakMb.toFixed(0)} MB (goal ≤ 256 MB); ${rssBeforeRebuild.toFixed(0)} MB before the rebuild`);
  const rows = (sql: string) => Number(openReadModelDb(readModelsFile).prepare(sql).pluck().get());
  console.log(`read model: ${rows('SELECT count(*) FROM cases')} cases, ${rows('SELECT count(*) FROM case_clocks')} clock rows`);
  // The temp directory holds the read model, and the log unless BENCH_EVENTS_DB keeps it elsewhere.
  await rm(dir, { recursive: true, force: true });
};

await main();
