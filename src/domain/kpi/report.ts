import type { Agreement, KpiId } from '../ruleset/schema.js';
import type { KpiRecord } from './record.js';
import { kpiDefinitions, meets, type Count, type KpiMeasure } from './outcome.js';
import type { Period } from './period.js';

export interface KpiFigure {
  readonly id: KpiId;
  readonly target: number;
  readonly comparator: Agreement['kpis'][number]['comparator'];
  /** activity.count only: the activities a month needs to be met. */
  readonly perMonth?: number;
  /** What the numerator and denominator count: cases, ratings, fen, households, months or checks. */
  readonly measure: KpiMeasure;
  readonly numerator: number;
  readonly denominator: number;
  readonly pending: number;
  /** numerator / denominator; null when nothing is decided yet. */
  readonly value: number | null;
  /** null when the denominator is 0: there is nothing to judge. */
  readonly met: boolean | null;
  readonly failingCaseIds: readonly string[];
  /**
   * The failing records with their type, for a link to each (`failingCaseIds` alone cannot say
   * which record type an id is when a KPI counts several); a month (activity.count) is no record.
   */
  readonly failingCases: readonly FailingCase[];
  readonly pendingCaseIds: readonly string[];
  /** Pending because a deadline falls in a year whose holiday schedule is not published. */
  readonly undeterminedCaseIds: readonly string[];
}

export interface FailingCase {
  readonly caseType: string;
  readonly caseId: string;
  /** The work-order number, when the caller knows it (the read model's). */
  readonly number?: string;
}

export interface ComplianceReport {
  readonly propertyId: string;
  readonly period: string;
  readonly asOf: string;
  /** The zone of the agreement's calendar (the property's, unless the agreement names another): the period's dates, months and due dates are local to it. */
  readonly timeZone: string;
  /** The agreement the figures are judged by — the one in force in the period — and its term (local dates). */
  readonly agreement: { readonly id: string; readonly version: string; readonly validFrom: string; readonly validTo: string };
  readonly rulesetVersion: string;
  readonly kpis: readonly KpiFigure[];
}

const unique = (ids: string[]) => [...new Set(ids)].sort();

/** A KPI's figure, counted one record at a time. */
const tally = (kpi: Agreement['kpis'][number]) => {
  let numerator = 0;
  let denominator = 0;
  const failing: string[] = [];
  const pending: string[] = [];
  const undetermined: string[] = [];
  /** The record being counted (none while a counter ends), whose type a failing id takes. */
  let current: KpiRecord | undefined;
  const failingTypes = new Map<string, string>();
  const count: Count = (caseId, outcome, isUndetermined, weight) => {
    if (outcome === 'success' || outcome === 'failure') {
      numerator += weight ? weight.numerator : outcome === 'success' ? 1 : 0;
      denominator += weight ? weight.denominator : 1;
      if (outcome === 'failure') failing.push(caseId);
      if (outcome === 'failure' && current?.caseId === caseId) failingTypes.set(caseId, current.caseType);
    } else if (outcome === 'pending') {
      pending.push(caseId);
      if (isUndetermined) undetermined.push(caseId);
    }
  };
  const figure = (): KpiFigure => ({
    id: kpi.id,
    target: kpi.target,
    comparator: kpi.comparator,
    ...(kpi.perMonth === undefined ? {} : { perMonth: kpi.perMonth }),
    measure: kpiDefinitions[kpi.id].measure,
    numerator,
    denominator,
    pending: pending.length,
    value: denominator === 0 ? null : numerator / denominator,
    met: denominator === 0 ? null : meets(numerator, denominator, kpi.target, kpi.comparator),
    failingCaseIds: unique(failing),
    failingCases: unique(failing).flatMap((caseId) => {
      const caseType = failingTypes.get(caseId);
      return caseType === undefined ? [] : [{ caseType, caseId }];
    }),
    pendingCaseIds: unique(pending),
    undeterminedCaseIds: unique(undetermined),
  });
  const counting = (record: KpiRecord | undefined) => {
    current = record;
  };
  return { kpi, count, figure, counting };
};

/**
 * The agreement's KPIs over the records of one property, as they stood at `asOf`. The records
 * are counted as they come, so a caller may hand them over one by one as it reads them.
 */
export const complianceReport = (options: {
  propertyId: string;
  period: Period;
  asOf: string;
  /** The zone the agreement is judged in: its calendar's. */
  timeZone: string;
  agreement: Agreement & { readonly version: string };
  rulesetVersion: string;
  cases: Iterable<KpiRecord>;
}): ComplianceReport => {
  const asOf = Date.parse(options.asOf);
  const { period, timeZone } = options;
  const tallies = options.agreement.kpis.map((kpi) => ({
    ...tally(kpi),
    counter: kpiDefinitions[kpi.id].counter({ period, asOf, timeZone, rule: kpi, term: options.agreement }),
  }));
  for (const c of options.cases) {
    if (c.propertyId !== options.propertyId) continue;
    for (const t of tallies) {
      t.counting(c);
      t.counter.add(c, t.count);
    }
  }
  for (const t of tallies) {
    t.counting(undefined);
    t.counter.end(t.count);
  }
  return {
    propertyId: options.propertyId,
    period: period.id,
    asOf: options.asOf,
    timeZone,
    agreement: { id: options.agreement.id, version: options.agreement.version, validFrom: options.agreement.validFrom, validTo: options.agreement.validTo },
    rulesetVersion: options.rulesetVersion,
    kpis: tallies.map((t) => t.figure()),
  };
};
