import { recordOf, records } from '../records.js';
import type { KpiId } from '../ruleset/schema.js';
import type { KpiCase } from './case.js';
import { perRecord, type Count, type Counted, type KpiDefinition, type KpiScope } from './definition.js';
import { inPeriod } from './period.js';
import type { KpiRecordBase } from './record.js';
import type { Ruleset } from '../ruleset/ruleset.js';

export { clockOutcome, meets, type Count, type Counted, type KpiMeasure, type KpiScope, type Outcome, type Weight } from './definition.js';

/** The record types that are called back and rated. */
const calledBack = new Set(
  Object.values(records)
    .filter((r) => r.kpi.callbacks === true)
    .map((r) => r.type as string),
);

/** The KPIs that count the records of several types: those called back and rated. */
const acrossRecords: Readonly<Record<string, KpiDefinition>> = {
  'callback.rate': perRecord<KpiCase>('cases', (c, { period }, count) => {
    if (calledBack.has(c.caseType) && inPeriod(c.closedDate, period)) count(c.caseId, c.closedWithCallback ? 'success' : 'failure');
  }) as KpiDefinition,
  'satisfaction.rate': perRecord<KpiCase>('ratings', (c, { period }, count) => {
    if (!calledBack.has(c.caseType)) return;
    for (const r of c.ratings) if (inPeriod(r.date, period)) count(c.caseId, r.satisfied ? 'success' : 'failure');
  }) as KpiDefinition,
};

/**
 * The agreement's KPI definitions (docs/domain.md, docs/kpis.md), one each: which records are in
 * the population of the period, and how each counts at `asOf`. Each record type defines the KPIs
 * that count it alone; the inputs reflect the events recorded up to `asOf`. A report counts every
 * KPI in one pass over a property's records, as it reads them, and each KPI sees only the records
 * of the types it counts.
 */
export const kpiDefinitions: Readonly<Record<KpiId, KpiDefinition>> = (() => {
  const table: Record<string, KpiDefinition> = { ...acrossRecords };
  for (const record of Object.values(records)) {
    for (const [id, definition] of Object.entries(record.kpi.definitions as Readonly<Record<string, KpiDefinition>>)) {
      if (id in table) throw new Error(`KPI ${id} is defined twice`);
      table[id] = definition;
    }
  }
  return table as Record<KpiId, KpiDefinition>;
})();

/** The KPI inputs of any record, under the ruleset it counts by. */
export const kpiRecordOf = (caseType: string, caseId: string, facts: unknown, ruleset: Ruleset): KpiRecordBase => {
  const property = ruleset.property((facts as { propertyId: string }).propertyId)!;
  return recordOf(caseType).kpi.of(caseId, facts, ruleset, property);
};

/** The records a KPI counts, as a list. */
export const kpiOutcomes = (kpi: KpiId, records: Iterable<KpiRecordBase>, scope: KpiScope): Counted[] => {
  const counted: Counted[] = [];
  const count: Count = (caseId, outcome, undetermined, weight) => {
    counted.push({ caseId, outcome, ...(undetermined === undefined ? {} : { undetermined }), ...(weight === undefined ? {} : { weight }) });
  };
  const counter = kpiDefinitions[kpi].counter(scope);
  for (const r of records) counter.add(r, count);
  counter.end(count);
  return counted;
};
