import type { Property, Ruleset } from '../ruleset/ruleset.js';
import type { KpiDefinition } from './definition.js';
import type { KpiRecordBase } from './record.js';

/**
 * How a record type takes part in the agreement's KPIs: its inputs, computed once per event
 * under the ruleset it counts by; how the `case_kpis` read model stores them (positional JSON,
 * the type first); and the KPIs that count it alone.
 */
export interface KpiParts<F, K extends KpiRecordBase> {
  readonly of: (caseId: string, facts: F, ruleset: Ruleset, property: Property) => K;
  readonly encode: (record: K) => unknown[];
  /** The record from its stored form and the row's property. */
  readonly decode: (stored: readonly unknown[], propertyId: string) => K;
  /** The KPIs of the agreement that count records of this type only, by KPI id. */
  readonly definitions: Readonly<Record<string, KpiDefinition<K>>>;
  /** Whether it is called back and rated: callback.rate and satisfaction.rate count it. */
  readonly callbacks?: boolean;
}
