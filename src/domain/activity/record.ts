import { Temporal } from 'temporal-polyfill';
import { startOfLocalDate } from '../calendar/days.js';
import { meets, perRecord, type KpiDefinition } from '../kpi/definition.js';
import { inPeriod } from '../kpi/period.js';
import type { KpiRecordBase } from '../kpi/record.js';
import { plainRow, recordType, type RecordLabels, noQueue } from '../record/descriptor.js';
import { noClocks } from '../sla/subject.js';
import type { ActivityFacts } from './facts.js';
import { activityLifecycle } from './lifecycle.js';

/** A community activity as the activity KPIs count it. */
export interface ActivityKpi extends KpiRecordBase {
  readonly participants: number;
  /** The property's households under the case's ruleset; null when the ruleset states none. */
  readonly households: number | null;
}
type StoredActivity = [caseType: string, caseId: string, receivedDate: string, participants: number, households: number | null];

/**
 * activity.count: each month of the period is one record, met when it had at least `perMonth`
 * activities (1 unless the agreement says otherwise); a month without enough is pending while it
 * has not ended at `asOf`, and failed once it has. A month with no activity at all is a failure,
 * not a month without data. Months outside the agreement's term are not judged by it.
 */
const activityMonths: KpiDefinition<ActivityKpi> = {
  measure: 'months',
  counter: ({ period, asOf, timeZone, rule, term }) => {
    const held = new Map<string, number>();
    return {
      add: (r) => {
        if (r.caseType !== 'activity' || !inPeriod(r.receivedDate, period)) return;
        const month = r.receivedDate.slice(0, 7);
        held.set(month, (held.get(month) ?? 0) + 1);
      },
      end: (count) => {
        const needed = rule.perMonth ?? 1;
        const last = Temporal.PlainDate.from(period.to);
        for (let month = Temporal.PlainDate.from(period.from); Temporal.PlainDate.compare(month, last) <= 0; month = month.add({ months: 1 })) {
          const id = month.toString().slice(0, 7);
          if (term && (id < term.validFrom.slice(0, 7) || id > term.validTo.slice(0, 7))) continue;
          const ends = startOfLocalDate(month.add({ months: 1 }).toString(), timeZone);
          count(id, (held.get(id) ?? 0) >= needed ? 'success' : ends <= asOf ? 'failure' : 'pending');
        }
      },
    };
  },
};

const reportingDate = (f: ActivityFacts) => (f.heldOn === '' ? null : f.heldOn);

const labels: RecordLabels = {
  record: { zh: '社区活动', en: 'Activity' },
  states: { new: { zh: '新建', en: 'New' }, held: { zh: '已举办', en: 'Held' } },
  events: { ActivityHeld: { zh: '举办活动', en: 'Activity held' }, ActivityParticipationCorrected: { zh: '更正参与户数', en: 'Participation corrected' } },
  actions: { record: { zh: '登记', en: 'Record' }, 'correct-participation': { zh: '更正参与户数', en: 'Correct participation' } },
};

/** 社区活动: a community activity held, with the households that took part. */
export const activityRecord = recordType<'activity', ActivityFacts, ActivityKpi>({
  type: 'activity',
  segment: 'activities',
  numberPrefix: 'HD', // 活动
  noun: 'activity',
  labels,
  events: activityLifecycle.events,
  lifecycle: activityLifecycle,
  /** A recorded activity has nothing left to do (its count may still be corrected). */
  endedStates: ['held'],
  rules: { milestones: [], pausableStates: [], categories: 'none', complexity: false },
  clocks: noClocks,
  kpi: {
    of: (caseId, f, _ruleset, property) => ({
      caseType: 'activity',
      caseId,
      propertyId: f.propertyId,
      receivedDate: reportingDate(f)!,
      participants: f.participants,
      households: property.households ?? null,
    }),
    encode: (r) => [r.caseType, r.caseId, r.receivedDate, r.participants, r.households] satisfies StoredActivity,
    decode: (stored, propertyId) => {
      const [caseType, caseId, receivedDate, participants, households] = stored as StoredActivity;
      return { caseType, caseId, propertyId, receivedDate, participants, households };
    },
    definitions: {
      'activity.count': activityMonths,
      /**
       * Participating households over the property's households, summed over the activities held in
       * the period; an activity below the target share is listed as failing.
       */
      'activity.participation': perRecord<ActivityKpi>('households', (r, { period, rule }, count) => {
        if (r.caseType !== 'activity' || !inPeriod(r.receivedDate, period)) return;
        if (r.households === null) return count(r.caseId, 'pending', true);
        const outcome = meets(r.participants, r.households, rule.target, rule.comparator) ? 'success' : 'failure';
        count(r.caseId, outcome, undefined, { numerator: r.participants, denominator: r.households });
      }),
    },
  },
  queue: noQueue,
  row: (f) => plainRow(f.recordedAt),
  reportingDate,
  derivedInputs: (f) => JSON.stringify(f),
});
