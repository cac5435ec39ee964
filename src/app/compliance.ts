import type Database from 'better-sqlite3';
import { parsePeriod } from '../domain/kpi/period.js';
import { complianceReport, type ComplianceReport } from '../domain/kpi/report.js';
import { InvalidCommandError } from '../domain/case/errors.js';
import type { EventStore } from '../store/port.js';
import type { Clock } from '../runtime/clock.js';
import { kpiCasesAsOf, readModelKpiCases, readModelServes } from './kpi-cases.js';
import { agreementInForce } from '../domain/kpi/agreement-in-force.js';
import { recordNumbers } from './record-numbers.js';
import type { RulesetRegistry } from '../ruleset/registry.js';
import type { ReadModelHealth } from './read-model-health.js';

export interface ComplianceQuery {
  readonly propertyId: string;
  readonly period: string;
  /** Default now. An instant in the past is answered from the log as it stood then. */
  readonly asOf?: string;
}

/**
 * The agreement compliance report. Now: from the `cases` read model. As of an earlier instant:
 * folded from the events recorded up to then, so a late entry or a reopening after that
 * instant does not change what the report said at it.
 */
export const complianceService = (deps: {
  store: EventStore;
  rulesets: RulesetRegistry;
  clock: Clock;
  readModels?: Database.Database | undefined;
  /**
   * Whether the read model can be answered from: a report now waits (a bounded time) until it has
   * applied the log as it is, and is refused with a 503 while it fails or when the wait runs out.
   */
  readModel?: Pick<ReadModelHealth, 'caughtUp'> | undefined;
}) => ({
  report: async (query: ComplianceQuery): Promise<ComplianceReport> => {
    const ruleset = deps.rulesets.current;
    const property = ruleset.property(query.propertyId);
    if (!property)
      throw new InvalidCommandError(
        'propertyId',
        `unknown property "${query.propertyId}"`,
        ruleset.spec.properties.map((p) => p.id),
      );
    const period = parsePeriod(query.period);
    // Judged by the agreement of the period's time, in its calendar; refused when there is none.
    const agreement = agreementInForce(property, period);
    const now = deps.clock.now();
    const asOf = query.asOf === undefined ? now.epochMilliseconds : Date.parse(query.asOf);
    const live = asOf >= now.epochMilliseconds && deps.readModels !== undefined && readModelServes(property, agreement);
    if (live) await deps.readModel?.caughtUp();
    const cases = live
      ? readModelKpiCases(deps.readModels!, query.propertyId, period)
      : await kpiCasesAsOf(deps.store, deps.rulesets, query.propertyId, Math.min(asOf, now.epochMilliseconds), agreement);
    const report = complianceReport({
      propertyId: query.propertyId,
      period,
      asOf: new Date(asOf).toISOString(),
      timeZone: agreement.timeZone,
      agreement,
      rulesetVersion: ruleset.version,
      cases,
    });
    return withNumbers(report, numbersOf(deps.readModels, report));
  },
  /** The work-order numbers of the records a report lists, from the read model (numbers never change). */
  numbersOf: (report: ComplianceReport): ReadonlyMap<string, string> => numbersOf(deps.readModels, report),
});

const numbersOf = (readModels: Database.Database | undefined, report: ComplianceReport) =>
  recordNumbers(
    readModels,
    report.propertyId,
    report.kpis.flatMap((k) => k.failingCaseIds),
  );

/** Each failing record with its work-order number, as the page links and names it. */
const withNumbers = (report: ComplianceReport, numbers: ReadonlyMap<string, string>): ComplianceReport => ({
  ...report,
  kpis: report.kpis.map((k) => ({
    ...k,
    failingCases: k.failingCases.map((c) => (numbers.has(c.caseId) ? { ...c, number: numbers.get(c.caseId)! } : c)),
  })),
});
export type ComplianceService = ReturnType<typeof complianceService>;

const csvCell = (value: unknown): string => {
  const text = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(';') : String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/**
 * One row per KPI, with the report's header facts repeated so each row stands alone; `measure` says
 * what numerator and denominator count (cases, ratings, fen, households, months, checks).
 * `failingCaseNumbers` names the failing records as the desk and the owners know them: their
 * work-order numbers, in the order of `failingCaseIds`, one for one (blank for a record without one).
 */
export const complianceCsv = (report: ComplianceReport, numbers: ReadonlyMap<string, string> = new Map()): string => {
  const header = [
    'propertyId',
    'period',
    'asOf',
    'agreementId',
    'agreementVersion',
    'rulesetVersion',
    'kpi',
    'target',
    'comparator',
    'measure',
    'numerator',
    'denominator',
    'pending',
    'value',
    'met',
    'failingCaseIds',
    'failingCaseNumbers',
  ];
  const rows = report.kpis.map((k) => [
    report.propertyId,
    report.period,
    report.asOf,
    report.agreement.id,
    report.agreement.version,
    report.rulesetVersion,
    k.id,
    k.target,
    k.comparator,
    k.measure,
    k.numerator,
    k.denominator,
    k.pending,
    k.value,
    k.met,
    k.failingCaseIds,
    // Blank only when no failing record has a number, so that an empty list stays an empty cell.
    k.failingCaseIds.some((id) => numbers.has(id)) ? k.failingCaseIds.map((id) => numbers.get(id) ?? '') : [],
  ]);
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
};
