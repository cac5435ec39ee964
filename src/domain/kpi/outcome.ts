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

const ofClock = (c: KpiCase, clock: KpiClock | null, asOf: number): Counted => {
  if (clock === null) return { caseId: c.caseId, outcome: 'pending' };
  // Not spread: a report counts every case of a property, and V8 spreads objects slowly.
  const { outcome, undetermined } = clockOutcome(clock, asOf);
  return undetermined === undefined ? { caseId: c.caseId, outcome } : { caseId: c.caseId, outcome, undetermined };
};

/**
 * DOMAIN.md's KPI definitions, one function each: which cases form the population in the period,
 * and how each counts at `asOf`. The inputs reflect the events recorded up to `asOf`.
 */
export const kpiOutcomes: Record<KpiId, (cases: readonly KpiCase[], period: Period, asOf: number) => Counted[]> = {
  'complaint.timely_handling': (cases, period, asOf) =>
    cases.filter((c) => c.caseType === 'complaint' && inPeriod(c.receivedDate, period))
      .map((c) => (voidedBefore(c, c.response) ? { caseId: c.caseId, outcome: 'excluded' as const } : ofClock(c, c.response, asOf))),

  'complaint.resolution_rate': (cases, period) =>
    cases.filter((c) => c.caseType === 'complaint' && inPeriod(c.receivedDate, period))
      .map((c) => ({
        caseId: c.caseId,
        outcome: c.voidedAt !== null || c.rejectedAt !== null ? 'excluded' : c.completion?.stoppedAt != null ? 'success' : 'failure',
      })),

  'complaint.resolution_timely': (cases, period, asOf) =>
    cases.filter((c) => c.caseType === 'complaint' && inPeriod(c.receivedDate, period))
      .map((c) => (c.voidedAt !== null || c.rejectedAt !== null ? { caseId: c.caseId, outcome: 'excluded' as const } : ofClock(c, c.completion, asOf))),

  'repair.response_timely': (cases, period, asOf) =>
    cases.filter((c) => c.caseType === 'repair' && inPeriod(c.receivedDate, period))
      .map((c) => (voidedBefore(c, c.response) ? { caseId: c.caseId, outcome: 'excluded' as const } : ofClock(c, c.response, asOf))),

  'repair.completion_timely': (cases, period, asOf) =>
    cases.filter((c) => c.caseType === 'repair' && inPeriod(c.receivedDate, period))
      .map((c) => (c.voidedAt !== null ? { caseId: c.caseId, outcome: 'excluded' as const } : ofClock(c, c.completion, asOf))),

  'callback.rate': (cases, period) =>
    cases.filter((c) => inPeriod(c.closedDate, period))
      .map((c) => ({ caseId: c.caseId, outcome: c.closedWithCallback ? 'success' : 'failure' })),

  'satisfaction.rate': (cases, period) => {
    // A loop, not a flatMap: that made two arrays for each case of the property.
    const counted: Counted[] = [];
    for (const c of cases) {
      for (const r of c.ratings) if (inPeriod(r.date, period)) counted.push({ caseId: c.caseId, outcome: r.satisfied ? 'success' : 'failure' });
    }
    return counted;
  },
};
