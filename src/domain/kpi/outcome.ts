import type { KpiId } from '../ruleset/schema.js';
import type { KpiCase, KpiClock } from './case.js';
import { inPeriod, type Period } from './period.js';

/** How one case (or one rating) counts in one KPI at an instant. */
export type Outcome = 'success' | 'failure' | 'pending' | 'excluded';

/** The record a KPI counts: a case, or for satisfaction one rating of a case. */
export interface Counted {
  readonly caseId: string;
  readonly outcome: Outcome;
  /** Pending because the deadline cannot be computed (unpublished calendar year). */
  readonly undetermined?: boolean;
}

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

/** Receives each counted record of a KPI: the case, its outcome, and whether a pending one is undetermined. */
export type Count = (caseId: string, outcome: Outcome, undetermined?: boolean) => void;

const countClock = (c: KpiCase, clock: KpiClock | null, asOf: number, count: Count): void => {
  if (clock === null) return count(c.caseId, 'pending');
  const { outcome, undetermined } = clockOutcome(clock, asOf);
  count(c.caseId, outcome, undetermined);
};

/** How one case counts in a KPI, told to `count`: not at all when it is outside the KPI's population. */
type KpiCount = (c: KpiCase, period: Period, asOf: number, count: Count) => void;

/** A clock KPI: the cases of one type received in the period; the excluded ones aside, each counts as its clock stands. */
const byClock = (caseType: KpiCase['caseType'], clockOf: (c: KpiCase) => KpiClock | null, excluded: (c: KpiCase) => boolean): KpiCount =>
  (c, period, asOf, count) => {
    if (c.caseType !== caseType || !inPeriod(c.receivedDate, period)) return;
    if (excluded(c)) count(c.caseId, 'excluded');
    else countClock(c, clockOf(c), asOf, count);
  };

/**
 * DOMAIN.md's KPI definitions, one function each: whether a case is in the population of the
 * period, and how it counts at `asOf`. The inputs reflect the events recorded up to `asOf`. Each
 * takes one case, so a report counts every KPI in one pass over a property's cases, as it reads them.
 */
export const kpiCounts: Record<KpiId, KpiCount> = {
  'complaint.timely_handling': byClock('complaint', (c) => c.response, (c) => voidedBefore(c, c.response)),

  'complaint.resolution_rate': (c, period, _asOf, count) => {
    if (c.caseType !== 'complaint' || !inPeriod(c.receivedDate, period)) return;
    count(c.caseId, c.voidedAt !== null || c.rejectedAt !== null ? 'excluded' : c.completion?.stoppedAt != null ? 'success' : 'failure');
  },

  'complaint.resolution_timely': byClock('complaint', (c) => c.completion, (c) => c.voidedAt !== null || c.rejectedAt !== null),

  'repair.response_timely': byClock('repair', (c) => c.response, (c) => voidedBefore(c, c.response)),

  'repair.completion_timely': byClock('repair', (c) => c.completion, (c) => c.voidedAt !== null),

  'callback.rate': (c, period, _asOf, count) => {
    if (inPeriod(c.closedDate, period)) count(c.caseId, c.closedWithCallback ? 'success' : 'failure');
  },

  'satisfaction.rate': (c, period, _asOf, count) => {
    for (const r of c.ratings) if (inPeriod(r.date, period)) count(c.caseId, r.satisfied ? 'success' : 'failure');
  },
};

/** The records a KPI counts, as a list. */
export const kpiOutcomes = (kpi: KpiId, cases: readonly KpiCase[], period: Period, asOf: number): Counted[] => {
  const counted: Counted[] = [];
  const count: Count = (caseId, outcome, undetermined) => {
    counted.push(undetermined === undefined ? { caseId, outcome } : { caseId, outcome, undetermined });
  };
  for (const c of cases) kpiCounts[kpi](c, period, asOf, count);
  return counted;
};
