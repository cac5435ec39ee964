import type { CaseState } from '../../domain/case/state.js';
import type { Ruleset } from '../../domain/ruleset/ruleset.js';
import { recordOf, type RecordFacts } from '../../domain/records.js';
import { epochMillis } from '../../domain/time/index.js';
import type { CaseRow } from './schema.js';

/** Whether no work remains: the record type says which of its states are ended; every other state is open. */
export const hasEnded = (caseType: string, state: CaseState<unknown>): boolean => recordOf(caseType).endedStates.includes(state.snapshot.state);

/** The building of a unit such as "3-2-1201" is "3"; a place without a "-" is its own building. */
export const buildingOf = (place: string): string => {
  const dash = place.indexOf('-');
  return dash < 0 ? place : place.slice(0, dash);
};

/** The case's row. */
export const caseRowOf = (c: RecordFacts, caseId: string, state: CaseState<unknown>, ruleset: Ruleset, lastRecordedAt: number): CaseRow => {
  const record = recordOf(c.caseType);
  const { received, place, category, channel, complexity, department, technicianId } = record.row(c.facts);
  const zone = ruleset.property(c.facts.propertyId)!.timeZone;
  const receivedAt = received === null ? null : epochMillis(received);
  return {
    case_type: c.caseType,
    case_id: caseId,
    property_id: c.facts.propertyId,
    number: state.number,
    state: state.snapshot.state,
    open: hasEnded(c.caseType, state) ? 0 : 1,
    queue: record.queue(state.snapshot.state, c.facts),
    category,
    channel,
    complexity,
    place,
    building: place === null ? null : buildingOf(place),
    department,
    technician_id: technicianId,
    received_at: receivedAt,
    // As the kpi column dates it: the period the record belongs to.
    received_date: record.reportingDate(c.facts, zone),
    revision: Number(state.revision),
    ruleset_version: state.rulesetVersion!,
    last_recorded_at: lastRecordedAt,
    facts: JSON.stringify(c.facts),
  };
};
