import type { CaseState } from '../../domain/case/state.js';
import type { Ruleset } from '../../domain/ruleset/ruleset.js';
import type { CaseFacts } from '../../domain/sla/milestones.js';
import { localDateOf } from '../../domain/calendar/days.js';
import { epochMillis } from '../../domain/time/index.js';
import type { CaseRow } from './schema.js';

/** The states a case ends in; every other state is open. */
const ENDED_STATES = new Set(['closed', 'withdrawn', 'rejected', 'cancelled']);
export const hasEnded = (state: CaseState<unknown>): boolean => ENDED_STATES.has(state.snapshot.state);

/** The building of a unit such as "3-2-1201" is "3"; a place without a "-" is its own building. */
export const buildingOf = (place: string): string => {
  const dash = place.indexOf('-');
  return dash < 0 ? place : place.slice(0, dash);
};

/** The case's row. */
export const caseRowOf = (c: CaseFacts, caseId: string, state: CaseState<unknown>, ruleset: Ruleset, lastRecordedAt: number): CaseRow => {
  const received = c.caseType === 'complaint' ? c.facts.receivedAt : c.facts.reportedAt;
  const place = c.caseType === 'complaint' ? c.facts.unit : c.facts.location;
  const zone = ruleset.property(c.facts.propertyId)!.timeZone;
  const receivedAt = received === null ? null : epochMillis(received);
  return {
    case_type: c.caseType,
    case_id: caseId,
    property_id: c.facts.propertyId,
    state: state.snapshot.state,
    open: hasEnded(state) ? 0 : 1,
    category: c.facts.category,
    channel: c.caseType === 'complaint' ? c.facts.channel : null,
    complexity: c.caseType === 'repair' ? c.facts.complexity : null,
    place,
    building: buildingOf(place),
    department: c.caseType === 'complaint' ? c.facts.department : null,
    technician_id: c.caseType === 'repair' ? c.facts.technicianId : null,
    received_at: receivedAt,
    // As the kpi column dates it (kpi/case.ts): the local day in the property's zone.
    received_date: received === null ? null : localDateOf(received, zone),
    revision: Number(state.revision),
    ruleset_version: state.rulesetVersion!,
    last_recorded_at: lastRecordedAt,
    facts: JSON.stringify(c.facts),
  };
};
