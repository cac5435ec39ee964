import { Temporal } from 'temporal-polyfill';
import { startOfLocalDate } from '../calendar/days.js';
import type { Agreement, KpiId } from '../ruleset/schema.js';
import type { KpiCase, KpiClock, KpiRecord } from './case.js';
import { inPeriod, type Period } from './period.js';

/** How one record (a case, a rating, a ledger, an activity, a month) counts in one KPI at an instant. */
export type Outcome = 'success' | 'failure' | 'pending' | 'excluded';

/**
 * What a counted record adds to the figure: a case adds 1 to the denominator, and 1 to the
 * numerator when it succeeds; a fee ledger adds what was due and what was collected (in fen); an
 * activity adds the property's households and those that took part.
 */
export interface Weight {
  readonly numerator: number;
  readonly denominator: number;
}

/** The record a KPI counts: a case, or for satisfaction one rating of a case. */
export interface Counted {
  readonly caseId: string;
  readonly outcome: Outcome;
  /** Pending because the deadline cannot be computed (unpublished calendar year). */
  readonly undetermined?: boolean;
  readonly weight?: Weight;
}

/** What the figure's numerator and denominator count. */
export type KpiMeasure = 'cases' | 'ratings' | 'fen' | 'households' | 'months' | 'checks';

/**
 * A clock at `asOf`: stopped at or before its deadline (inclusive) is met; not stopped and the
 * deadline not passed is pending. A pause still open keeps the deadline moving, so the clock
 * stays pending unless its deadline had already passed when the pause began.
 */
export const clockOutcome = (clock: KpiClock, asOf: number): { outcome: Outcome; undetermined?: boolean } => {
  if (clock.deadline === null) return { outcome: 'pending', undetermined: true };
  if (clock.stoppedAt !== null) return { outcome: clock.stoppedAt <= clock.deadline ? 'success' : 'failure' };
  if (clock.pausedSince !== null && clock.pausedSince <= asOf) return { outcome: clock.pausedSince > clock.deadline ? 'failure' : 'pending' };
  return { outcome: asOf <= clock.deadline ? 'pending' : 'failure' };
};

const voidedBefore = (c: KpiCase, clock: KpiClock | null) =>
  c.voidedAt !== null && clock !== null && clock.deadline !== null && c.voidedAt <= clock.deadline;

/**
 * Receives each counted record of a KPI: its id, its outcome, whether a pending one is
 * undetermined, and what it adds to the figure when that is not one record (see Weight).
 */
export type Count = (caseId: string, outcome: Outcome, undetermined?: boolean, weight?: Weight) => void;

/** What a KPI is counted against in one report. */
export interface KpiScope {
  readonly period: Period;
  /** Epoch ms. */
  readonly asOf: number;
  /** The property's zone: months and due dates end at local midnight. */
  readonly timeZone: string;
  /** The agreement's line for this KPI: its target and comparator, and for activity.count the activities a month needs. */
  readonly rule: Pick<Agreement['kpis'][number], 'target' | 'comparator' | 'perMonth'>;
  /** The agreement's term, local dates: activity.count judges only the months it covers. */
  readonly term?: { readonly validFrom: string; readonly validTo: string };
}

/** Counts one KPI over a report's records, handed over one at a time, then ends the count. */
export interface KpiCounter {
  add(record: KpiRecord, count: Count): void;
  end(count: Count): void;
}

type KpiDefinition = { readonly measure: KpiMeasure; readonly counter: (scope: KpiScope) => KpiCounter };

const nothingMore = (): void => {};

/** A KPI each record counts in on its own. */
const perRecord = (measure: KpiMeasure, counts: (r: KpiRecord, scope: KpiScope, count: Count) => void): KpiDefinition => ({
  measure,
  counter: (scope) => ({ add: (r, count) => counts(r, scope, count), end: nothingMore }),
});

const isCase = (r: KpiRecord): r is KpiCase => r.caseType === 'complaint' || r.caseType === 'repair' || r.caseType === 'visit';

/** A clock KPI: the cases of one type received in the period; the excluded ones aside, each counts as its clock stands. */
const byClock = (caseType: KpiCase['caseType'], clockOf: (c: KpiCase) => KpiClock | null, excluded: (c: KpiCase) => boolean): KpiDefinition =>
  perRecord('cases', (c, { period, asOf }, count) => {
    if (c.caseType !== caseType || !isCase(c) || !inPeriod(c.receivedDate, period)) return;
    if (excluded(c)) return count(c.caseId, 'excluded');
    const clock = clockOf(c);
    if (clock === null) return count(c.caseId, 'pending');
    const { outcome, undetermined } = clockOutcome(clock, asOf);
    count(c.caseId, outcome, undetermined);
  });

/** A check KPI: the checks of one kind made in the period, each a success when it passed. */
const byCheck = (caseType: 'archive_check' | 'inspection'): KpiDefinition =>
  perRecord('checks', (r, { period }, count) => {
    if (r.caseType === caseType && inPeriod(r.receivedDate, period)) count(r.caseId, r.passed ? 'success' : 'failure');
  });

const SCALE = 1_000_000;
/** numerator / denominator compared with the target, exactly, in integers: no floating-point edge at 98 %. */
export const meets = (numerator: number, denominator: number, target: number, comparator: string): boolean => {
  const left = numerator * SCALE;
  const right = Math.round(target * SCALE) * denominator;
  switch (comparator) {
    case '>=': return left >= right;
    case '>': return left > right;
    case '<=': return left <= right;
    case '<': return left < right;
    default: return left === right;
  }
};

/**
 * activity.count: each month of the period is one record, met when it had at least `perMonth`
 * activities (1 unless the agreement says otherwise); a month without enough is pending while it
 * has not ended at `asOf`, and failed once it has. A month with no activity at all is a failure,
 * not a month without data. Months outside the agreement's term are not judged by it.
 */
const activityMonths: KpiDefinition = {
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

/**
 * The KPI definitions of docs/domain.md and docs/kpis.md, one each: which
 * records are in the population of the period, and how each counts at `asOf`. The inputs reflect
 * the events recorded up to `asOf`. A report counts every KPI in one pass over a property's
 * records, as it reads them.
 */
export const kpiDefinitions: Record<KpiId, KpiDefinition> = {
  'complaint.timely_handling': byClock('complaint', (c) => c.response, (c) => voidedBefore(c, c.response)),

  'complaint.resolution_rate': perRecord('cases', (c, { period }, count) => {
    if (c.caseType !== 'complaint' || !inPeriod(c.receivedDate, period)) return;
    count(c.caseId, c.voidedAt !== null || c.rejectedAt !== null ? 'excluded' : c.completion?.stoppedAt != null ? 'success' : 'failure');
  }),

  'complaint.resolution_timely': byClock('complaint', (c) => c.completion, (c) => c.voidedAt !== null || c.rejectedAt !== null),

  'repair.response_timely': byClock('repair', (c) => c.response, (c) => voidedBefore(c, c.response)),

  'repair.completion_timely': byClock('repair', (c) => c.completion, (c) => c.voidedAt !== null),

  'callback.rate': perRecord('cases', (c, { period }, count) => {
    if ((c.caseType === 'complaint' || c.caseType === 'repair') && inPeriod(c.closedDate, period)) count(c.caseId, c.closedWithCallback ? 'success' : 'failure');
  }),

  'satisfaction.rate': perRecord('ratings', (c, { period }, count) => {
    if (c.caseType !== 'complaint' && c.caseType !== 'repair') return;
    for (const r of c.ratings) if (inPeriod(r.date, period)) count(c.caseId, r.satisfied ? 'success' : 'failure');
  }),

  'visit.reception_rate': byClock('visit', (c) => c.response, () => false),

  /**
   * By amount: what the ledgers of the period's billing months had due (billed less waived) and
   * what was collected of it (paid less refunded). A ledger not settled is pending until its due
   * date has passed; then what is still owed counts against the rate.
   */
  'fee.collection_rate': perRecord('fen', (r, { period, asOf }, count) => {
    if (r.caseType !== 'fee' || !inPeriod(r.receivedDate, period)) return;
    const due = r.billedFen - r.waivedFen;
    if (due <= 0) return count(r.caseId, 'excluded');
    const collected = Math.min(Math.max(r.collectedFen, 0), due);
    if (collected < due && asOf < r.dueBy) return count(r.caseId, 'pending');
    count(r.caseId, collected === due ? 'success' : 'failure', undefined, { numerator: collected, denominator: due });
  }),

  'activity.count': activityMonths,

  /**
   * Participating households over the property's households, summed over the activities held in
   * the period; an activity below the target share is listed as failing.
   */
  'activity.participation': perRecord('households', (r, { period, rule }, count) => {
    if (r.caseType !== 'activity' || !inPeriod(r.receivedDate, period)) return;
    if (r.households === null) return count(r.caseId, 'pending', true);
    const outcome = meets(r.participants, r.households, rule.target, rule.comparator) ? 'success' : 'failure';
    count(r.caseId, outcome, undefined, { numerator: r.participants, denominator: r.households });
  }),

  'archive.accuracy': byCheck('archive_check'),

  'inspection.pass_rate': byCheck('inspection'),
};

/** The records a KPI counts, as a list. */
export const kpiOutcomes = (kpi: KpiId, records: Iterable<KpiRecord>, scope: KpiScope): Counted[] => {
  const counted: Counted[] = [];
  const count: Count = (caseId, outcome, undetermined, weight) => {
    counted.push({ caseId, outcome, ...(undetermined === undefined ? {} : { undetermined }), ...(weight === undefined ? {} : { weight }) });
  };
  const counter = kpiDefinitions[kpi].counter(scope);
  for (const r of records) counter.add(r, count);
  counter.end(count);
  return counted;
};
