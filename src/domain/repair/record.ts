import { byState } from '../record/queues.js';
import { awaitsFollowUp } from '../case/follow-up.js';
import { localDateOf } from '../calendar/days.js';
import { caseKpi, kpiCaseFromStored, storedKpiCase, type KpiCase } from '../kpi/case.js';
import { byClock, voidedBefore } from '../kpi/definition.js';
import { phoneOf } from '../record/phone.js';
import { recordType } from '../record/descriptor.js';
import { clockSubject, type ClockParts } from '../sla/subject.js';
import type { RepairFacts } from './facts.js';
import { repairLabels } from './labels.js';
import { repairLifecycle } from './lifecycle.js';

const clocks: ClockParts<RepairFacts> = {
  milestones: {
    reported: (f) => f.reportedAt,
    dispatched: (f) => f.dispatchedAt,
    completed: (f) => f.completedAt,
    callback_recorded: (f) => f.callbacks[0]?.at ?? null,
    closed: (f) => f.closedAt,
  },
  endedAt: (f) => f.cancelledAt ?? f.closedAt,
  pauses: (f) => f.pauses,
  misses: (f) => f.misses,
  category: (f) => f.category,
  complexity: (f) => f.complexity,
  inputs: (f) => [
    f.callbacks[0]?.at,
    f.closedAt,
    ...f.misses.map((m) => m.at),
    f.reportedAt,
    f.dispatchedAt,
    f.completedAt,
    f.cancelledAt,
    ...f.pauses.flatMap((p) => [p.start, p.end]),
  ],
};

const reportingDate = (f: RepairFacts, zone: string) => (f.reportedAt === null ? null : localDateOf(f.reportedAt, zone));

// Reported and not yet dispatched; verified and waiting for its callback (回访).
const repairQueues = byState({ reported: 'unassigned', verified: 'awaiting_callback' });

/** 报修: a repair, from its report through dispatch and work on site to its close after a callback. */
export const repairRecord = recordType<'repair', RepairFacts, KpiCase>({
  type: 'repair',
  segment: 'repairs',
  numberPrefix: 'BX', // 报修
  noun: 'repair',
  labels: repairLabels,
  events: repairLifecycle.events,
  lifecycle: repairLifecycle,
  endedStates: ['closed', 'cancelled'],
  rules: {
    milestones: Object.keys(clocks.milestones),
    pausableStates: ['paused'],
    categories: 'required',
    complexity: true,
    followUpDefault: 'optional',
  },
  clocks,
  kpi: {
    of: (caseId, f, ruleset, property) =>
      caseKpi(
        clockSubject('repair', clocks, f),
        caseId,
        {
          receivedAt: f.reportedAt!,
          completionClock: 'completion',
          voidedAt: f.cancelledAt,
          rejectedAt: null,
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
      'repair.response_timely': byClock(
        'repair',
        (c) => c.response,
        (c) => voidedBefore(c, c.response),
      ),
      'repair.completion_timely': byClock(
        'repair',
        (c) => c.completion,
        (c) => c.voidedAt !== null,
      ),
    },
  },
  queue: (state, f) => (state === 'called_back' && awaitsFollowUp(f) ? 'follow_up' : repairQueues(state, f)),
  contactPhone: phoneOf('owner'),
  personal: ['owner.name', 'owner.phone'],
  row: (f) => ({
    received: f.reportedAt,
    place: f.location,
    category: f.category,
    channel: null,
    complexity: f.complexity,
    department: null,
    technicianId: f.technicianId,
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
      f.reportedAt,
      f.dispatchedAt,
      f.completedAt,
      f.cancelledAt,
      f.complexity,
      f.pauses,
    ]),
});
