import { byState } from '../record/queues.js';
import { localDateOf } from '../calendar/days.js';
import { caseKpi, kpiCaseFromStored, storedKpiCase, type KpiCase } from '../kpi/case.js';
import { byClock } from '../kpi/definition.js';
import { phoneOf } from '../record/phone.js';
import { recordType, type RecordLabels } from '../record/descriptor.js';
import { clockSubject, type ClockParts } from '../sla/subject.js';
import type { VisitFacts } from './facts.js';
import { visitLifecycle } from './lifecycle.js';

const clocks: ClockParts<VisitFacts> = {
  /** A visit is answered when the visitor gets an answer on the spot or is referred to a department. */
  milestones: { received: (f) => f.receivedAt, answered: (f) => f.answeredAt, closed: (f) => f.closedAt },
  endedAt: (f) => f.closedAt,
  pauses: () => [],
  misses: (f) => f.misses,
  category: (f) => f.category,
  inputs: (f) => [f.receivedAt, f.answeredAt, f.closedAt, ...f.misses.map((m) => m.at)],
};

const reportingDate = (f: VisitFacts, zone: string) => (f.receivedAt === null ? null : localDateOf(f.receivedAt, zone));

const labels: RecordLabels = {
  record: { zh: '来访', en: 'Visit' },
  states: {
    new: { zh: '新建', en: 'New' },
    received: { zh: '已受理', en: 'Received' },
    answered: { zh: '已答复', en: 'Answered' },
    referred: { zh: '已转部门', en: 'Referred' },
    closed: { zh: '已关闭', en: 'Closed' },
  },
  events: {
    VisitReceived: { zh: '来访登记', en: 'Visit received' },
    VisitAnswered: { zh: '答复', en: 'Answered' },
    VisitReferred: { zh: '转部门', en: 'Referred' },
    VisitClosed: { zh: '关闭', en: 'Closed' },
    VisitDeadlineMissed: { zh: '记录超时', en: 'Deadline missed' },
  },
  actions: {
    receive: { zh: '来访登记', en: 'Receive' },
    answer: { zh: '答复', en: 'Answer' },
    refer: { zh: '转部门', en: 'Refer' },
    close: { zh: '关闭', en: 'Close' },
    'record-deadline-miss': { zh: '记录超时', en: 'Record a deadline miss' },
  },
};

/** 来访: an owner's visit to the desk, answered on the spot or referred to a department. */
export const visitRecord = recordType<'visit', VisitFacts, KpiCase>({
  type: 'visit',
  segment: 'visits',
  numberPrefix: 'LF', // 来访
  noun: 'visit',
  labels,
  events: visitLifecycle.events,
  lifecycle: visitLifecycle,
  endedStates: ['closed'],
  rules: { milestones: Object.keys(clocks.milestones), pausableStates: [], categories: 'optional', complexity: false },
  clocks,
  kpi: {
    of: (caseId, f, ruleset, property) =>
      caseKpi(
        clockSubject('visit', clocks, f),
        caseId,
        {
          receivedAt: f.receivedAt!,
          completionClock: null,
          voidedAt: null,
          rejectedAt: null,
          closedAt: f.closedAt,
          closedWithCallback: false,
          callbacks: [],
        },
        reportingDate(f, property.timeZone)!,
        ruleset,
      ),
    encode: storedKpiCase,
    decode: kpiCaseFromStored,
    definitions: {
      'visit.reception_rate': byClock(
        'visit',
        (c) => c.response,
        () => false,
      ),
    },
  },
  queue: byState({ received: 'unassigned', referred: 'referred' }),
  contactPhone: phoneOf('visitor'),
  personal: ['visitor.name', 'visitor.phone'],
  row: (f) => ({
    received: f.receivedAt,
    place: f.unit,
    category: f.category,
    channel: f.channel,
    complexity: null,
    department: f.department,
    technicianId: null,
  }),
  reportingDate,
  derivedInputs: (f) => JSON.stringify([f.category, f.receivedAt, f.answeredAt, f.closedAt, f.misses.length]),
});
