import { recordOf } from '../records.js';
import type { KpiRecordBase } from './record.js';

/**
 * A record's KPI inputs as the `case_kpis` table keeps them: positional JSON with the type first,
 * without the property (the key a report reads by). A compliance report reads every record of a
 * property, and parsing full objects was most of its time; each record type says its own layout.
 */
export const encodeKpiRecord = (r: KpiRecordBase): string => JSON.stringify(recordOf(r.caseType).kpi.encode(r));

/** The row's property_id and kpi. */
export const decodeKpiRecord = (propertyId: string, kpi: string): KpiRecordBase => {
  const stored = JSON.parse(kpi) as unknown[];
  return recordOf(stored[0] as string).kpi.decode(stored, propertyId);
};
