import type { Agreement } from '../ruleset/schema.js';
import type { KpiCase, KpiClock } from './case.js';
import type { KpiRecordBase } from './record.js';
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
export interface KpiCounter<R = KpiRecordBase> {
  add(record: R, count: Count): void;
  end(count: Count): void;
}

/** How one KPI counts the records of a report: what it measures, and a counter per report. */
export interface KpiDefinition<R = KpiRecordBase> {
  readonly measure: KpiMeasure;
  readonly counter: (scope: KpiScope) => KpiCounter<R>;
}

export const nothingMore = (): void => {};

/** A KPI each record counts in on its own. */
export const perRecord = <R extends KpiRecordBase = KpiRecordBase>(
  measure: KpiMeasure,
  counts: (r: R, scope: KpiScope, count: Count) => void,
): KpiDefinition<R> => ({
  measure,
  counter: (scope) => ({ add: (r, count) => counts(r, scope, count), end: nothingMore }),
});

/** Withdrawn or cancelled no later than the clock's deadline: the case leaves the clock's KPI. */
export const voidedBefore = (c: KpiCase, clock: KpiClock | null) =>
  c.voidedAt !== null && clock !== null && clock.deadline !== null && c.voidedAt <= clock.deadline;

/** A clock KPI: the cases of one type received in the period; the excluded ones aside, each counts as its clock stands. */
export const byClock = (caseType: string, clockOf: (c: KpiCase) => KpiClock | null, excluded: (c: KpiCase) => boolean): KpiDefinition<KpiCase> =>
  perRecord<KpiCase>('cases', (c, { period, asOf }, count) => {
    if (c.caseType !== caseType || !inPeriod(c.receivedDate, period)) return;
    if (excluded(c)) return count(c.caseId, 'excluded');
    const clock = clockOf(c);
    if (clock === null) return count(c.caseId, 'pending');
    const { outcome, undetermined } = clockOutcome(clock, asOf);
    count(c.caseId, outcome, undetermined);
  });

const SCALE = 1_000_000;
/** numerator / denominator compared with the target, exactly, in integers: no floating-point edge at 98 %. */
export const meets = (numerator: number, denominator: number, target: number, comparator: string): boolean => {
  const left = numerator * SCALE;
  const right = Math.round(target * SCALE) * denominator;
  switch (comparator) {
    case '>=':
      return left >= right;
    case '>':
      return left > right;
    case '<=':
      return left <= right;
    case '<':
      return left < right;
    default:
      return left === right;
  }
};
