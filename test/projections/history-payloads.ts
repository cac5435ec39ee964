import { Temporal } from 'temporal-polyfill';
import { localDateOf } from '../../src/domain/calendar/days.js';
import type { RecordType } from '../../src/domain/records.js';
import { paymentMethods } from '../../src/domain/fee/events.js';
import type { ComplaintFacts } from '../../src/domain/complaint/facts.js';
import { collectedFen, outstandingFen, type FeeFacts } from '../../src/domain/fee/facts.js';
import type { RepairFacts } from '../../src/domain/repair/facts.js';
import type { VisitFacts } from '../../src/domain/visit/facts.js';
import { caseClocks } from '../../src/domain/sla/clocks.js';
import { clockSubjectOf } from '../../src/domain/records.js';
import type { World } from './harness.js';

export const pick = <T>(items: readonly T[], n: number): T => items[n % items.length]!;
const satisfactions = ['very_satisfied', 'satisfied', 'neutral', 'dissatisfied'] as const;
const units = ['3-2-1201', '7-1-101', 'East gate'];

/** What a payload may depend on besides the command: the world (its ruleset and clock) and the record's facts. */
interface PayloadContext {
  readonly world: World;
  readonly name: string;
  readonly facts: unknown;
  readonly choice: number;
}

const casePayload = (caseType: 'complaint' | 'repair', { world, name, facts: f, choice }: PayloadContext): unknown => {
  const spec = world.ruleset.spec;
  const facts = f as ComplaintFacts & RepairFacts;
  switch (name) {
    case 'receive':
      return {
        propertyId: 'demo',
        unit: pick(units, choice),
        category: pick(spec.categories.complaint, choice).id,
        description: '噪音',
        channel: pick(['phone', 'app', 'wechat'], choice),
        owner: { name: '王', phone: '13800000000' },
      };
    case 'report':
      return {
        propertyId: 'demo',
        location: pick(['5-1-302', 'B2 car park'], choice),
        category: pick(spec.categories.repair, choice).id,
        complexity: pick(['general', 'complex'], choice),
        description: '漏水',
        owner: { name: '李', phone: '13900000000' },
      };
    case 'assign':
      return { department: pick(spec.categories.departments, choice).id };
    case 'dispatch':
      return { technicianId: pick(['tech-1', 'tech-2', 'tech-3'], choice) };
    case 'resolve':
      return { resolution: '已处理' };
    case 'complete':
      return { workDone: '更换阀门' };
    case 'callback':
      return { satisfaction: pick(satisfactions, choice) };
    case 'close':
      return choice % 2 ? { reason: '业主联系不上' } : {};
    case 'verify':
      return { accepted: choice % 3 !== 0 };
    case 'pause':
      return { reason: pick(['awaiting_parts', 'owner_absent', 'owner_quote'], choice) };
    case 'reclassify':
      return { complexity: facts.complexity === 'general' ? 'complex' : 'general', reason: '重新评估' };
    case 'record-deadline-miss': {
      // A deadline that is not the clock's: the miss is recorded as given, whatever the watcher would say.
      const clock = caseType === 'complaint' ? pick(['response', 'resolution'], choice) : pick(['response', 'completion'], choice);
      const policyId = clock === 'completion' ? `repair.completion.${facts.complexity}` : `${caseType}.${clock}`;
      return { clock, policyId, deadline: '2026-03-02T03:00:00Z' };
    }
    default:
      return ['reopen', 'escalate', 'withdraw', 'reject', 'cancel'].includes(name) ? { reason: '原因' } : {};
  }
};

/** The reception clock's own deadline, as the deadline watcher would record its miss. */
const visitDeadline = (world: World, facts: VisitFacts): string =>
  caseClocks(clockSubjectOf({ caseType: 'visit', facts }), world.ruleset, world.clock.now()).find((k) => k.clock === 'response')!.deadline!;

const visitPayload = ({ world, name, facts, choice }: PayloadContext): unknown => {
  const spec = world.ruleset.spec;
  switch (name) {
    case 'receive':
      return {
        propertyId: 'demo',
        unit: pick(units, choice),
        category: pick(spec.categories.visit, choice).id,
        description: '咨询装修手续',
        channel: pick(['walk_in', 'phone', 'wechat'], choice),
        visitor: { name: '赵', phone: '13700000000' },
      };
    case 'answer':
      return { answer: '已当面答复' };
    case 'refer':
      return { department: pick(spec.categories.departments, choice).id, note: '转相关部门' };
    case 'record-deadline-miss':
      return { clock: 'response', policyId: 'visit.response', deadline: visitDeadline(world, facts as VisitFacts) };
    default:
      return {};
  }
};

/** All of an amount, half of it, one fen, or one fen more than it (which the ledger refuses). */
const partOf = (amount: number, choice: number): number => pick([amount, Math.max(1, Math.floor(amount / 2)), 1, amount + 1], choice);

/** The local date in the demo property's zone at the world's clock. */
const today = (world: World): Temporal.PlainDate =>
  Temporal.PlainDate.from(localDateOf(world.clock.now().toString(), world.ruleset.property('demo')!.timeZone));

const feePayload = ({ world, name, facts: f, choice }: PayloadContext): unknown => {
  const facts = f as FeeFacts;
  switch (name) {
    case 'bill': {
      // This month's bill, or last month's billed late: its due date has often passed already.
      const month = today(world)
        .toPlainYearMonth()
        .subtract({ months: choice % 2 });
      const dueDate = pick([month.toPlainDate({ day: 5 }), month.toPlainDate({ day: 25 }), month.add({ months: 1 }).toPlainDate({ day: 5 })], choice >> 1);
      return {
        propertyId: 'demo',
        unit: pick(units, choice >> 2),
        period: month.toString(),
        amountFen: pick([12000, 8550, 30001], choice),
        dueDate: dueDate.toString(),
      };
    }
    case 'pay':
      return { amountFen: partOf(outstandingFen(facts), choice), method: pick(paymentMethods, choice) };
    case 'waive':
      return { amountFen: partOf(outstandingFen(facts), choice), reason: '困难户减免' };
    case 'refund':
      return { amountFen: partOf(collectedFen(facts), choice), reason: '重复缴费退回' };
    default:
      return {};
  }
};

/** Participating households of the demo property's 1200: none, 20 %, exactly the 30 % target, half, all. */
const participation = [0, 240, 360, 600, 1200];

const activityPayload = ({ world, name, choice }: PayloadContext): unknown => {
  switch (name) {
    case 'record': {
      // Held today or as many days back as the intake rules allow (7): sometimes in the month before.
      const heldOn = today(world).subtract({ days: choice % (world.ruleset.intake.recordWindowDays + 1) });
      return {
        propertyId: 'demo',
        title: pick(['中秋联欢会', '义诊', '亲子运动会'], choice),
        heldOn: heldOn.toString(),
        participants: pick(participation, choice),
      };
    }
    // The same count again is refused by the lifecycle: a correction changes the count.
    case 'correct-participation':
      return { participants: pick(participation, choice), reason: '签到表复核' };
    default:
      return {};
  }
};

const archiveCheckPayload = ({ name, choice }: PayloadContext): unknown => {
  if (name !== 'record') return { note: '已按房产证更正' };
  const correct = choice % 3 !== 0;
  return { propertyId: 'demo', unit: pick(units, choice), correct, ...(correct ? {} : { wrongFields: ['owner.phone'] }) };
};

const inspectionPayload = ({ name, choice }: PayloadContext): unknown => {
  if (name !== 'record') return { note: '已整改' };
  const passed = choice % 4 !== 0;
  return { propertyId: 'demo', procedure: pick(['gate-patrol', 'lift-check', 'cleaning-round'], choice), passed, ...(passed ? {} : { findings: '记录缺项' }) };
};

/** A payload for a command of a record of `caseType`: valid as a desk would send it, now and then one its rules refuse. */
export const payloadFor = (caseType: RecordType, context: PayloadContext): unknown => {
  switch (caseType) {
    case 'complaint':
    case 'repair':
      return casePayload(caseType, context);
    case 'visit':
      return visitPayload(context);
    case 'fee':
      return feePayload(context);
    case 'activity':
      return activityPayload(context);
    case 'archive_check':
      return archiveCheckPayload(context);
    case 'inspection':
      return inspectionPayload(context);
  }
};
