import type { KpiCase, KpiClock } from '../domain/kpi/case.js';
import { kpiRecordOf } from '../domain/kpi/outcome.js';
import type { KpiRecord } from '../domain/kpi/record.js';
import { parsePeriod } from '../domain/kpi/period.js';
import { complianceReport } from '../domain/kpi/report.js';
import { RulesetInvalidError } from '../domain/ruleset/errors.js';
import type { Ruleset } from '../domain/ruleset/ruleset.js';
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
 * The compliance report of a property under another ruleset, next to the actual one, computed
 * from the folded case facts without writing anything: each case's KPI inputs are recomputed
 * with `kpiRecordOf` under the other rules (the actual ones under the ruleset each case was
 * received with), and per KPI the cases whose outcome changes are listed with both deadlines.
 */
export const whatIf = async (deps: AuditDeps, query: { propertyId: string; period: string; asOf?: string }, other: Ruleset, progress: WhatIfProgress = {}) => {
  const property = propertyOf(deps.rulesets.current, query.propertyId);
  const otherProperty = other.property(query.propertyId);
  if (!otherProperty) throw new RulesetInvalidError([{ file: 'properties.yaml', path: 'properties', message: `has no property "${query.propertyId}"` }]);
  const period = parsePeriod(query.period);
  const asOf = auditInstant(query.asOf, deps.clock.now());
  const folded = await foldCasesAsOf(deps.store, property.id, asOf.epochMilliseconds, progress.scan);
  const actual: KpiRecord[] = [];
  const alternative: KpiRecord[] = [];
  for (const [i, { caseType, caseId, state }] of folded.entries()) {
    const own = await deps.rulesets.get(state.rulesetVersion!);
    actual.push(kpiRecordOf(caseType, caseId, state.snapshot.facts, own));
    alternative.push(kpiRecordOf(caseType, caseId, state.snapshot.facts, other));
    if ((i + 1) % 1000 === 0 || i + 1 === folded.length) progress.cases?.(i + 1, folded.length);
  }
  const common = { propertyId: property.id, period, asOf: asOf.toString(), timeZone: property.timeZone };
  const actualReport = complianceReport({ ...common, agreement: property.agreementRules, rulesetVersion: deps.rulesets.current.version, cases: actual });
  const whatIfReport = complianceReport({ ...common, agreement: otherProperty.agreementRules, rulesetVersion: other.version, cases: alternative });
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
