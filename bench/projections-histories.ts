/**
 * The case histories bench/projections.ts rebuilds from: complaints and repairs written through
 * decide, as a busy desk would, with the same random choices on every run.
 */
import { benchStaff } from './technicians.js';
import { Temporal } from 'temporal-polyfill';
import { streamName } from '../src/app/case-history.js';
import { recordOf } from '../src/domain/records.js';
import { manualClock } from '../src/runtime/clock.js';
import { decide } from '../src/domain/case/decide.js';
import { evolve, initialCaseState, type CaseState } from '../src/domain/case/state.js';
import type { Actor } from '../src/domain/events/envelope.js';
import type { RecordType } from '../src/domain/records.js';
import type { Ruleset } from '../src/domain/ruleset/ruleset.js';
import { NO_STREAM, type EventStore } from '../src/store/port.js';

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
/** A technician acts only on a repair dispatched to them: the technician steps are the dispatched one's. */
const actorFor = (flight: { readonly steps: readonly Step[] }, step: string): Actor => {
  const actor = actorOf[step] ?? desk;
  if (actor !== technician) return actor;
  const dispatched = flight.steps.find((s) => s.name === 'dispatch')?.payload as { technicianId?: string } | undefined;
  return { id: dispatched?.technicianId ?? technician.id, role: 'technician' };
};
/** An owner with a phone of their own, so that a search by phone finds a few records, not all. */
const ownerOf = () => ({ name: '业主', phone: `13${ticks(0, 9)}${String(Math.floor(random() * 1e8)).padStart(8, '0')}` });

/**
 * What an owner says, as the desk writes it down: a place, a problem and a wish, each one of many,
 * so that a text search matches what it would in a real log (a few percent of the records), not half of it.
 */
const places = [
  '厨房',
  '卫生间',
  '客厅',
  '主卧',
  '次卧',
  '阳台',
  '楼道',
  '电梯间',
  '地下车库',
  '单元门口',
  '小区北门',
  '儿童游乐区',
  '垃圾站',
  '消防通道',
  '屋顶',
  '外墙',
];
const complaintProblems = [
  '楼上住户深夜装修噪音扰民',
  '邻居在楼道堆放杂物',
  '宠物狗夜间吠叫不停',
  '车位被外来车辆长期占用',
  '垃圾清运不及时有异味',
  '保安巡逻不到位',
  '快递柜故障取不出包裹',
  '广场舞音响声音太大',
  '楼上住户高空抛物',
  '绿化带被私自改种蔬菜',
  '电动车在楼道充电存在隐患',
  '保洁员打扫不干净',
  '物业费收费标准有疑问',
  '门禁卡无法正常使用',
  '小区内有人乱发广告',
  '邻居空调外机滴水',
];
const repairProblems = [
  '水管接口漏水',
  '下水道堵塞反味',
  '灯具不亮',
  '插座没电跳闸',
  '门锁损坏打不开',
  '窗户玻璃破裂',
  '墙面渗水发霉',
  '天花板石膏板脱落',
  '热水器不出热水',
  '马桶水箱一直流水',
  '地漏返水',
  '暖气片不热',
  '防盗门变形关不上',
  '电梯按钮失灵',
  '对讲机没有声音',
  '瓷砖空鼓开裂',
];
const wishes = [
  '请尽快处理',
  '希望今天上门',
  '业主多次来电催促',
  '要求给出书面答复',
  '老人在家请提前联系',
  '下午两点以后在家',
  '请物业经理回电',
  '已影响楼下住户',
];
const describe = (problems: readonly string[]) => `${oneOf(places)}${oneOf(problems)}，${oneOf(wishes)}`;
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
        description: describe(complaintProblems),
        channel: oneOf(['phone', 'app', 'wechat', 'walk_in'] as const),
        owner: ownerOf(),
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
        description: describe(repairProblems),
        owner: ownerOf(),
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

/** Writes `cases` case histories through decide, many appends in flight at once (group commit), on a clock moving a tick at a time. */
export const generate = async (store: EventStore, ruleset: Ruleset, cases: number): Promise<void> => {
  const clock = manualClock(Temporal.Instant.from('2026-03-02T00:00:00Z'));
  const flights = new Set<Flight>();
  let opened = 0;
  let tick = 0;
  let written = 0;
  let lastReport = performance.now();
  while (opened < cases || flights.size > 0) {
    while (flights.size < IN_FLIGHT && opened < cases) {
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
          actor: actorFor(flight, step.name),
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
