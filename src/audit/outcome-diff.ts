import type { KpiRecord } from '../domain/kpi/record.js';
import { kpiOutcomes } from '../domain/kpi/outcome.js';
import type { Period } from '../domain/kpi/period.js';
import type { ComplianceReport, KpiFigure } from '../domain/kpi/report.js';
import type { KpiId } from '../domain/ruleset/schema.js';

/**
 * How a record counts in a KPI: an outcome, several joined by `+` (one per rating), or `absent`
 * from the population; a weighted one (a fee ledger, an activity) with what it added, e.g.
 * `failure 9000/12000`.
 */
export type CaseOutcome = string;

/** Each record's outcome in one KPI of a report. */
export const outcomesByCase = (figure: KpiFigure, records: readonly KpiRecord[], report: ComplianceReport, period: Period): Map<string, CaseOutcome> => {
  const grouped = new Map<string, string[]>();
  const scope = { period, asOf: Date.parse(report.asOf), timeZone: report.timeZone, rule: figure, term: report.agreement };
  for (const counted of kpiOutcomes(figure.id, records, scope)) {
    const list = grouped.get(counted.caseId) ?? [];
    list.push(counted.weight ? `${counted.outcome} ${counted.weight.numerator}/${counted.weight.denominator}` : counted.outcome);
    grouped.set(counted.caseId, list);
  }
  return new Map([...grouped].map(([id, list]) => [id, list.sort().join('+')]));
};

/** One side of a comparison: a report and the KPI inputs it was computed from. */
export interface ReportSide {
  readonly report: ComplianceReport;
  readonly cases: readonly KpiRecord[];
}

export interface CaseChange {
  readonly caseId: string;
  /** The record's type; `month` for a month of activity.count. */
  readonly caseType: string;
  readonly before: CaseOutcome;
  readonly after: CaseOutcome;
}

const figure = (f: KpiFigure | undefined) =>
  f && { numerator: f.numerator, denominator: f.denominator, pending: f.pending, value: f.value, met: f.met, target: f.target, comparator: f.comparator };

export interface KpiDifference<C extends CaseChange = CaseChange> {
  readonly id: KpiId;
  readonly before: ReturnType<typeof figure>;
  readonly after: ReturnType<typeof figure>;
  readonly change: { readonly numerator: number; readonly denominator: number; readonly pending: number; readonly value: number | null };
  /** The cases whose outcome differs: together they explain the change. */
  readonly cases: readonly C[];
}

/**
 * Per KPI, the figures on both sides and every case whose outcome differs, computed from the
 * same definitions the report used (kpiOutcomes), so the listed cases account for the change.
 */
export const kpiDifferences = (before: ReportSide, after: ReportSide, period: Period): KpiDifference[] => {
  const ids = [...new Set([...before.report.kpis.map((k) => k.id), ...after.report.kpis.map((k) => k.id)])];
  const typeOf = new Map<string, string>([...before.cases, ...after.cases].map((c) => [c.caseId, c.caseType]));
  const propertyCases = (side: ReportSide) => side.cases.filter((c) => c.propertyId === side.report.propertyId);
  const beforeCases = propertyCases(before);
  const afterCases = propertyCases(after);
  return ids.map((id) => {
    const b = before.report.kpis.find((k) => k.id === id);
    const a = after.report.kpis.find((k) => k.id === id);
    const was = b ? outcomesByCase(b, beforeCases, before.report, period) : new Map<string, CaseOutcome>();
    const is = a ? outcomesByCase(a, afterCases, after.report, period) : new Map<string, CaseOutcome>();
    const cases: CaseChange[] = [];
    for (const caseId of new Set([...was.keys(), ...is.keys()])) {
      const from = was.get(caseId) ?? 'absent';
      const to = is.get(caseId) ?? 'absent';
      if (from !== to) cases.push({ caseId, caseType: typeOf.get(caseId) ?? 'month', before: from, after: to });
    }
    cases.sort((x, y) => (x.caseId < y.caseId ? -1 : x.caseId > y.caseId ? 1 : 0));
    const n = (f: KpiFigure | undefined, key: 'numerator' | 'denominator' | 'pending') => f?.[key] ?? 0;
    return {
      id,
      before: figure(b),
      after: figure(a),
      change: {
        numerator: n(a, 'numerator') - n(b, 'numerator'),
        denominator: n(a, 'denominator') - n(b, 'denominator'),
        pending: n(a, 'pending') - n(b, 'pending'),
        value: a?.value != null && b?.value != null ? a.value - b.value : null,
      },
      cases,
    };
  });
};
