import { localDateOf } from '../calendar/days.js';
import { perRecord, type KpiDefinition } from './definition.js';
import { inPeriod } from './period.js';
import type { KpiRecordBase } from './record.js';

/** A check (of an owner's record, of a procedure) as a pass-rate KPI counts it. */
export interface CheckKpi extends KpiRecordBase {
  /** The record was correct; the procedure passed. */
  readonly passed: boolean;
}

type StoredCheck = [caseType: string, caseId: string, receivedDate: string, passed: 0 | 1];

/** The KPI inputs and stored form of a record that is a check: when it was made, and whether it passed. */
export const checkKpi = <F extends { readonly propertyId: string }>(checkedAt: (facts: F) => string | null, passed: (facts: F) => boolean) => ({
  reportingDate: (facts: F, zone: string): string | null => {
    const at = checkedAt(facts);
    return at === null ? null : localDateOf(at, zone);
  },
  of:
    (caseType: string) =>
    (caseId: string, facts: F, _ruleset: unknown, property: { readonly timeZone: string }): CheckKpi => ({
      caseType,
      caseId,
      propertyId: facts.propertyId,
      receivedDate: localDateOf(checkedAt(facts)!, property.timeZone),
      passed: passed(facts),
    }),
  encode: (r: CheckKpi): unknown[] => [r.caseType, r.caseId, r.receivedDate, r.passed ? 1 : 0] satisfies StoredCheck,
  decode: (stored: readonly unknown[], propertyId: string): CheckKpi => {
    const [caseType, caseId, receivedDate, passedFlag] = stored as StoredCheck;
    return { caseType, caseId, propertyId, receivedDate, passed: passedFlag === 1 };
  },
});

/** A check KPI: the checks of one kind made in the period, each a success when it passed. */
export const byCheck = (caseType: string): KpiDefinition<CheckKpi> =>
  perRecord<CheckKpi>('checks', (r, { period }, count) => {
    if (r.caseType === caseType && inPeriod(r.receivedDate, period)) count(r.caseId, r.passed ? 'success' : 'failure');
  });
