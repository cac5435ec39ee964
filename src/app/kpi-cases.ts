import type Database from 'better-sqlite3';
import { kpiRecordOf } from '../domain/kpi/outcome.js';
import type { KpiRecord } from '../domain/kpi/record.js';
import type { Period } from '../domain/kpi/period.js';
import { decodeKpiRecord } from '../domain/kpi/codec.js';
import type { EventStore } from '../store/port.js';
import { foldCasesAsOf } from './case-fold.js';
import type { RulesetRegistry } from '../ruleset/registry.js';
import { rulesetUnder } from '../domain/kpi/agreement-in-force.js';
import type { AgreementTerm, Property } from '../domain/ruleset/ruleset.js';

/**
 * The KPI inputs of a property's cases as the `case_kpis` read model holds them now, one at a time
 * as they are read: a report counts each and lets it go, where holding all of a property's cases
 * at once costs more in the garbage collector than reading them (docs/performance.md).
 */
export function* readModelKpiCases(db: Database.Database, propertyId: string, period: Period): Generator<KpiRecord> {
  // A case received after the period cannot be closed or rated inside it.
  const rows = db.prepare('SELECT kpi FROM case_kpis WHERE property_id = ? AND received_date <= ?').pluck().iterate(propertyId, period.to);
  for (const kpi of rows as IterableIterator<string>) yield decodeKpiRecord(propertyId, kpi);
}

/** readModelKpiCases as a list. */
export const kpiCasesFromReadModel = (db: Database.Database, propertyId: string, period: Period): KpiRecord[] => [...readModelKpiCases(db, propertyId, period)];

/**
 * The KPI inputs of a property's cases exactly as the engine knew them at `asOf`: every case
 * event recorded up to then, folded from the log itself, each case under the ruleset it was
 * received with — in the calendar of `agreement` when it names one other than the property's.
 * Independent of any read model, so an auditor can trust it on its own.
 */
export const kpiCasesAsOf = async (
  store: EventStore,
  rulesets: RulesetRegistry,
  propertyId: string,
  asOf: number,
  agreement?: AgreementTerm,
): Promise<KpiRecord[]> => {
  const folded = await foldCasesAsOf(store, propertyId, asOf);
  const cases: KpiRecord[] = [];
  for (const { caseType, caseId, state } of folded) {
    const own = await rulesets.get(state.rulesetVersion!);
    cases.push(kpiRecordOf(caseType, caseId, state.snapshot.facts, agreement ? rulesetUnder(own, propertyId, agreement) : own));
  }
  return cases;
};

/**
 * Whether the read model's KPI inputs hold for a report under `agreement`: they were computed in
 * the property's calendar, so an agreement judged in another one needs them recomputed.
 */
export const readModelServes = (property: Property, agreement: AgreementTerm): boolean => agreement.calendar === property.calendar;
