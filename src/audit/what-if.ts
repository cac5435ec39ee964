import type { KpiCase, KpiClock } from '../domain/kpi/case.js';
import { kpiRecordOf } from '../domain/kpi/outcome.js';
import type { KpiRecord } from '../domain/kpi/record.js';
import { parsePeriod, type Period } from '../domain/kpi/period.js';
import { agreementInForce, isNoAgreementInForce, isPeriodSpansAgreements, rulesetUnder } from '../domain/kpi/agreement-in-force.js';
import { complianceReport } from '../domain/kpi/report.js';
import { RulesetInvalidError } from '../domain/ruleset/errors.js';
import type { Property, Ruleset } from '../domain/ruleset/ruleset.js';
import type { KpiId } from '../domain/ruleset/schema.js';
import { auditInstant } from './case-replay.js';
import { foldCasesAsOf } from '../app/case-fold.js';
import type { ScanProgress } from '../app/log-scan.js';
import { kpiDifferences } from './outcome-diff.js';
import { propertyOf, type AuditDeps } from './report-as-of.js';

/** The clock a timing KPI is judged by. */
const clockOf: Partial<Record<KpiId, 'response' | 'completion'>> = {
  'complaint.timely_handling': 'response',
  'visit.reception_rate': 'response',
  'repair.response_timely': 'response',
  'complaint.resolution_timely': 'completion',
  'repair.completion_timely': 'completion',
};

const deadlineOf = (clock: KpiClock | null) => (clock?.deadline == null ? null : new Date(clock.deadline).toISOString());

export interface WhatIfProgress {
  /** Events of the log read so far. */
  readonly scan?: ScanProgress;
  /** Cases recomputed so far, of how many. */
  readonly cases?: (done: number, total: number) => void;
}

/**
 * The agreements the two sides are judged by. Each side: the agreement of its rules in force in
 * the period. On request (`agreement`), the what-if side is judged by that agreement of the other
 * rules whatever its term; and when the actual rules have none in force in the period, the actual
 * side is judged by it too (as the actual rules have it, or else as the other rules do), so that
 * any period can be judged under any agreement.
 */
const agreementsOf = (property: Property, actual: Ruleset, other: Ruleset, period: Period, named: string | undefined) => {
  if (named === undefined) return { actual: agreementInForce(property, period), whatIf: agreementInForce(other.property(property.id)!, period) };
  const whatIf = other.agreement(named, property.id);
  if (!whatIf)
    throw new RulesetInvalidError([
      { file: 'agreements/', path: 'id', message: `has no agreement "${named}"; it has ${other.spec.agreements.map((a) => a.id).join(', ')}` },
    ]);
  try {
    return { actual: agreementInForce(property, period), whatIf };
  } catch (error) {
    if (!isNoAgreementInForce(error) && !isPeriodSpansAgreements(error)) throw error;
    return { actual: actual.agreement(named, property.id) ?? whatIf, whatIf };
  }
};

/**
 * The compliance report of a property under another ruleset, next to the actual one, computed
 * from the folded case facts without writing anything: each case's KPI inputs are recomputed
 * with `kpiRecordOf` under the other rules (the actual ones under the ruleset each case was
 * received with), each in the calendar of the agreement its side is judged by, and per KPI the
 * cases whose outcome changes are listed with both deadlines.
 */
export const whatIf = async (
  deps: AuditDeps,
  query: { propertyId: string; period: string; asOf?: string; agreement?: string },
  other: Ruleset,
  progress: WhatIfProgress = {},
) => {
  const property = propertyOf(deps.rulesets.current, query.propertyId);
  const otherProperty = other.property(query.propertyId);
  if (!otherProperty) throw new RulesetInvalidError([{ file: 'properties.yaml', path: 'properties', message: `has no property "${query.propertyId}"` }]);
  const period = parsePeriod(query.period);
  const agreement = agreementsOf(property, deps.rulesets.current, other, period, query.agreement);
  const asOf = auditInstant(query.asOf, deps.clock.now());
  const folded = await foldCasesAsOf(deps.store, property.id, asOf.epochMilliseconds, progress.scan);
  const actual: KpiRecord[] = [];
  const alternative: KpiRecord[] = [];
  for (const [i, { caseType, caseId, state }] of folded.entries()) {
    const own = await deps.rulesets.get(state.rulesetVersion!);
    actual.push(kpiRecordOf(caseType, caseId, state.snapshot.facts, rulesetUnder(own, property.id, agreement.actual)));
    alternative.push(kpiRecordOf(caseType, caseId, state.snapshot.facts, rulesetUnder(other, property.id, agreement.whatIf)));
    if ((i + 1) % 1000 === 0 || i + 1 === folded.length) progress.cases?.(i + 1, folded.length);
  }
  const common = { propertyId: property.id, period, asOf: asOf.toString() };
  const actualReport = complianceReport({
    ...common,
    timeZone: agreement.actual.timeZone,
    agreement: agreement.actual,
    rulesetVersion: deps.rulesets.current.version,
    cases: actual,
  });
  const whatIfReport = complianceReport({
    ...common,
    timeZone: agreement.whatIf.timeZone,
    agreement: agreement.whatIf,
    rulesetVersion: other.version,
    cases: alternative,
  });
  // The clocks of the timing KPIs' cases, whose deadlines a change is shown with.
  const byId = (records: KpiRecord[]) => new Map(records.filter((r): r is KpiCase => 'response' in r).map((c) => [c.caseId, c]));
  const actualById = byId(actual);
  const otherById = byId(alternative);
  const differences = kpiDifferences({ report: actualReport, cases: actual }, { report: whatIfReport, cases: alternative }, period).map((d) => ({
    ...d,
    cases: d.cases.map((change) => {
      const clock = clockOf[d.id];
      if (!clock || !actualById.has(change.caseId) || !otherById.has(change.caseId)) return change;
      return { ...change, deadline: { actual: deadlineOf(actualById.get(change.caseId)![clock]), whatIf: deadlineOf(otherById.get(change.caseId)![clock]) } };
    }),
  }));
  return {
    propertyId: property.id,
    period: period.id,
    asOf: asOf.toString(),
    rulesetVersion: { actual: deps.rulesets.current.version, whatIf: other.version },
    cases: folded.length,
    actual: actualReport,
    whatIf: whatIfReport,
    differences,
  };
};
export type WhatIf = Awaited<ReturnType<typeof whatIf>>;
