import { byState } from '../record/queues.js';
import { awaitsFollowUp } from '../case/follow-up.js';
import { byClock, perRecord, voidedBefore } from '../kpi/definition.js';
import { caseKpi, kpiCaseFromStored, storedKpiCase, type KpiCase } from '../kpi/case.js';
import { inPeriod } from '../kpi/period.js';
import { localDateOf } from '../calendar/days.js';
import { phoneOf } from '../record/phone.js';
import { recordType } from '../record/descriptor.js';
import { clockSubject, type ClockParts } from '../sla/subject.js';
import type { ComplaintFacts } from './facts.js';
import { complaintLabels } from './labels.js';
import { complaintLifecycle } from './lifecycle.js';

const clocks: ClockParts<ComplaintFacts> = {
  milestones: {
    received: (f) => f.receivedAt,
    handling_started: (f) => f.handlingStartedAt,
    resolved: (f) => f.resolvedAt,
    callback_recorded: (f) => f.callbacks[0]?.at ?? null,
    closed: (f) => f.closedAt,
  },
  endedAt: (f) => f.withdrawnAt ?? f.rejectedAt ?? f.closedAt,
  pauses: () => [],
  misses: (f) => f.misses,
  category: (f) => f.category,
  inputs: (f) => [f.callbacks[0]?.at, f.closedAt, ...f.misses.map((m) => m.at), f.receivedAt, f.handlingStartedAt, f.resolvedAt, f.withdrawnAt, f.rejectedAt],
};

const reportingDate = (f: ComplaintFacts, zone: string) => (f.receivedAt === null ? null : localDateOf(f.receivedAt, zone));

// Received and not yet taken up; resolved and waiting for its callback (回访).
const complaintQueues = byState({ received: 'unassigned', resolved: 'awaiting_callback', owner_notified: 'awaiting_callback' });

/** 投诉: a complaint, from its receipt to its close after a callback. */
export const complaintRecord = recordType<'complaint', ComplaintFacts, KpiCase>({
  type: 'complaint',
  segment: 'complaints',
  numberPrefix: 'TS', // 投诉
  noun: 'complaint',
  labels: complaintLabels,
  events: complaintLifecycle.events,
  lifecycle: complaintLifecycle,
  endedStates: ['closed', 'withdrawn', 'rejected'],
  rules: {
    milestones: Object.keys(clocks.milestones),
    pausableStates: [],
    categories: 'required',
    complexity: false,
    followUpDefault: 'required',
  },
  clocks,
  kpi: {
    of: (caseId, f, ruleset, property) =>
      caseKpi(
        clockSubject('complaint', clocks, f),
        caseId,
        {
          receivedAt: f.receivedAt!,
          completionClock: 'resolution',
          voidedAt: f.withdrawnAt,
          rejectedAt: f.rejectedAt,
          closedAt: f.closedAt,
          closedWithCallback: !f.closedWithoutCallback,
          callbacks: f.allCallbacks,
        },
        reportingDate(f, property.timeZone)!,
        ruleset,
      ),
    encode: storedKpiCase,
    decode: kpiCaseFromStored,
    callbacks: true,
    definitions: {
      'complaint.timely_handling': byClock(
        'complaint',
        (c) => c.response,
        (c) => voidedBefore(c, c.response),
      ),
      'complaint.resolution_rate': perRecord<KpiCase>('cases', (c, { period }, count) => {
        if (c.caseType !== 'complaint' || !inPeriod(c.receivedDate, period)) return;
        count(c.caseId, c.voidedAt !== null || c.rejectedAt !== null ? 'excluded' : c.completion?.stoppedAt != null ? 'success' : 'failure');
      }),
      'complaint.resolution_timely': byClock(
        'complaint',
        (c) => c.completion,
        (c) => c.voidedAt !== null || c.rejectedAt !== null,
      ),
    },
  },
  queue: (state, f) => (state === 'called_back' && awaitsFollowUp(f) ? 'follow_up' : complaintQueues(state, f)),
  contactPhone: phoneOf('owner'),
  personal: ['owner.name', 'owner.phone'],
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
  derivedInputs: (f) =>
    JSON.stringify([
      f.category,
      f.callbacks[0]?.at,
      f.allCallbacks,
      f.closedAt,
      f.closedWithoutCallback,
      f.misses.length,
      f.receivedAt,
      f.handlingStartedAt,
      f.resolvedAt,
      f.withdrawnAt,
      f.rejectedAt,
    ]),
});
