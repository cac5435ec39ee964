/** What every record's KPI inputs carry: which record, of which property, in which reporting period. */
export interface KpiRecordBase {
  readonly caseType: string;
  readonly caseId: string;
  readonly propertyId: string;
  /** The local date that places it in a reporting period. */
  readonly receivedDate: string;
}

/** Any record's KPI inputs, as a report reads them; each KPI narrows to the types it counts. */
export type KpiRecord = KpiRecordBase;
