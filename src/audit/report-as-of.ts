import { recordTypes, statesOwnTime, type RecordType } from '../domain/records.js';
import type Database from 'better-sqlite3';
import { loadCase } from '../app/case-history.js';
import type { Clock } from '../runtime/clock.js';
import { kpiCasesAsOf, kpiCasesFromReadModel, readModelServes } from '../app/kpi-cases.js';
import { agreementInForce } from '../domain/kpi/agreement-in-force.js';
import type { RulesetRegistry } from '../ruleset/registry.js';
import { InvalidCommandError } from '../domain/case/errors.js';
import type { KpiRecord } from '../domain/kpi/record.js';
import { parsePeriod, type Period } from '../domain/kpi/period.js';
import { complianceReport, type ComplianceReport } from '../domain/kpi/report.js';
import type { AgreementTerm, Property, Ruleset } from '../domain/ruleset/ruleset.js';
import type { EventStore } from '../store/port.js';
import { auditInstant } from './case-replay.js';
import { foldAsOf, importedAfterAsOf } from './imported-after.js';
import { kpiDifferences, type CaseChange, type KpiDifference } from './outcome-diff.js';

export interface AuditDeps {
  readonly store: EventStore;
  readonly rulesets: RulesetRegistry;
  readonly clock: Clock;
  /** The projections' read model: the report now is read from it when present. */
  readonly readModels?: Database.Database;
}

export const propertyOf = (ruleset: Ruleset, propertyId: string): Property => {
  const property = ruleset.property(propertyId);
  if (!property)
    throw new InvalidCommandError(
      'propertyId',
      `unknown property "${propertyId}"`,
      ruleset.spec.properties.map((p) => p.id),
    );
  return property;
};

/** Why a case counts differently now than it did at `asOf`. */
export type ChangeReason = 'received_after' | 'imported_after' | 'late_entry' | 'reopened' | 'deadline_passed' | 'recorded_since';

export interface ExplainedChange extends CaseChange {
  readonly reason: ChangeReason;
  readonly detail: string;
  readonly eventsSince: ReadonlyArray<{ revision: number; type: string; recordedAt: string; occurredAt: string; actor: string }>;
}

const isCaseType = (type: string): type is RecordType => (recordTypes as readonly string[]).includes(type);

const REOPENINGS = new Set(['ComplaintReopened', 'RepairReworkRequested']);

/** Reads the case's own history to tell what happened after `asOf` that changes its outcome. */
const explainChange = async (store: EventStore, change: CaseChange, asOf: number): Promise<ExplainedChange> => {
  const at = new Date(asOf).toISOString();
  if (!isCaseType(change.caseType)) {
    // A month of activity.count: decided by the activities recorded in it, or by its end.
    const ended = change.before === 'pending' && change.after === 'failure';
    return {
      ...change,
      reason: ended ? 'deadline_passed' : 'recorded_since',
      detail: ended ? `the month ended after ${at} without enough activities` : `activities of the month recorded since ${at}`,
      eventsSince: [],
    };
  }
  const history = await loadCase(store, change.caseType, change.caseId);
  const since = history.events
    .map((e, revision) => ({ revision, type: e.type, recordedAt: e.metadata.recordedAt, occurredAt: e.metadata.occurredAt, actor: e.metadata.actor.id }))
    .filter((e) => Date.parse(e.recordedAt) > asOf);
  // A deadline miss is dated at its deadline by the engine: no claim, so no late entry.
  const late = since.filter((e) => Date.parse(e.occurredAt) <= asOf && !statesOwnTime(change.caseType as RecordType, e.type));
  const reopening = since.find((e) => REOPENINGS.has(e.type));
  const explained = (reason: ChangeReason, detail: string): ExplainedChange => ({ ...change, reason, detail, eventsSince: since });
  if (since.length === history.events.length) {
    const first = since[0]!;
    if (history.events[0]!.metadata.imported) {
      return explained(
        'imported_after',
        `imported ${first.recordedAt}, after ${at}; it happened ${first.occurredAt} (judgeImportedByOccurrence=true counts it then)`,
      );
    }
    return late.includes(first)
      ? explained('late_entry', `received ${first.occurredAt} but entered ${first.recordedAt}, after ${at}`)
      : explained('received_after', `received ${first.occurredAt}, after ${at}`);
  }
  if (reopening) return explained('reopened', `${reopening.type} recorded ${reopening.recordedAt}: the earlier resolution no longer counts`);
  if (late.length > 0) {
    const e = late[0]!;
    return explained('late_entry', `${e.type} entered ${e.recordedAt} by ${e.actor}, claiming ${e.occurredAt} (at or before ${at})`);
  }
  if (change.before === 'pending' && change.after.includes('failure')) {
    return explained('deadline_passed', `pending at ${at}; the deadline passed since without the stopping event`);
  }
  return explained(
    'recorded_since',
    since.length > 0 ? `decided by ${since.map((e) => e.type).join(', ')} recorded since ${at}` : `no event recorded since ${at}`,
  );
};

const report = (property: Property, agreement: AgreementTerm, ruleset: Ruleset, period: Period, asOf: string, cases: readonly KpiRecord[]): ComplianceReport =>
  complianceReport({
    propertyId: property.id,
    period,
    asOf,
    timeZone: agreement.timeZone,
    agreement,
    rulesetVersion: ruleset.version,
    cases,
  });

/**
 * The compliance report as it stood at `asOf` next to the report now, with per KPI the cases
 * whose outcome differs and why: a late entry, a reopening, a deadline that passed since, a
 * case received (or imported) after `asOf`, or simply events recorded since. Records of the period
 * a migration imported after `asOf` are named (`imported`: how many, first and last import); on
 * request the report then judges their imported events by when they happened.
 */
export const reportAsOf = async (
  deps: AuditDeps,
  query: {
    propertyId: string;
    period: string;
    asOf?: string;
    /** Imported events count by when they happened (occurredAt), not by when the import recorded them. */
    judgeImportedByOccurrence?: boolean;
  },
) => {
  const ruleset = deps.rulesets.current;
  const property = propertyOf(ruleset, query.propertyId);
  const period = parsePeriod(query.period);
  const now = deps.clock.now();
  const asOf = auditInstant(query.asOf, now);
  const agreement = agreementInForce(property, period);
  const byOccurrence = query.judgeImportedByOccurrence === true;
  const { cases: casesThen, importedAfter } = await foldAsOf(deps.store, deps.rulesets, property.id, asOf.epochMilliseconds, byOccurrence, agreement);
  const casesNow =
    deps.readModels && readModelServes(property, agreement)
      ? kpiCasesFromReadModel(deps.readModels, property.id, period)
      : await kpiCasesAsOf(deps.store, deps.rulesets, property.id, now.epochMilliseconds, agreement);
  const then = { report: report(property, agreement, ruleset, period, asOf.toString(), casesThen), cases: casesThen };
  const current = { report: report(property, agreement, ruleset, period, now.toString(), casesNow), cases: casesNow };
  const differences = kpiDifferences(then, current, period);
  const explainedBy = new Map<string, Promise<ExplainedChange>>();
  const explain = (change: CaseChange) => {
    const key = `${change.caseId}|${change.before}|${change.after}`;
    if (!explainedBy.has(key)) explainedBy.set(key, explainChange(deps.store, change, asOf.epochMilliseconds));
    return explainedBy.get(key)!;
  };
  const explained: KpiDifference<ExplainedChange>[] = [];
  for (const d of differences) explained.push({ ...d, cases: await Promise.all(d.cases.map(explain)) });
  return {
    propertyId: property.id,
    period: period.id,
    asOf: asOf.toString(),
    now: now.toString(),
    // biome-ignore lint/suspicious/noThenProperty: the report then and now is the route's documented shape; nothing awaits it.
    then: then.report,
    current: current.report,
    /** The period's records a migration imported after asOf, and how the report then counts them. */
    imported: importedAfterAsOf(importedAfter, casesNow, period, asOf.toString(), byOccurrence),
    differences: explained,
  };
};
export type ReportAsOf = Awaited<ReturnType<typeof reportAsOf>>;
