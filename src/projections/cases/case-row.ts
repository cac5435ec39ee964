import type { CaseState } from '../../domain/case/state.js';
import type { Ruleset } from '../../domain/ruleset/ruleset.js';
import type { CaseFacts } from '../../domain/sla/milestones.js';
import { reportingDateOf } from '../../domain/kpi/case.js';
import { epochMillis } from '../../domain/time/index.js';
import type { CaseRow } from './schema.js';

/**
 * The states in which no work remains; every other state is open. Cases end; a settled fee ledger
 * (which a refund reopens), a recorded activity (whose count may be corrected), a correct record
 * and a passed or put-right check have nothing left to do either.
 */
const ENDED_STATES = new Set(['closed', 'withdrawn', 'rejected', 'cancelled', 'settled', 'held', 'correct', 'corrected', 'passed', 'rectified']);
export const hasEnded = (state: CaseState<unknown>): boolean => ENDED_STATES.has(state.snapshot.state);

/** What the row says of a record beyond its type and state. */
interface Profile {
  /** When it was received (reported, billed, recorded, checked). */
  readonly received: string | null;
  readonly place: string | null;
  readonly category: string | null;
}

const profileOf = (c: CaseFacts): Profile => {
  switch (c.caseType) {
    case 'complaint': return { received: c.facts.receivedAt, place: c.facts.unit, category: c.facts.category };
    case 'repair': return { received: c.facts.reportedAt, place: c.facts.location, category: c.facts.category };
    case 'visit': return { received: c.facts.receivedAt, place: c.facts.unit, category: c.facts.category };
    case 'fee': return { received: c.facts.billedAt, place: c.facts.unit, category: null };
    case 'activity': return { received: c.facts.recordedAt, place: null, category: null };
    case 'archive_check': return { received: c.facts.checkedAt, place: c.facts.unit, category: null };
    case 'inspection': return { received: c.facts.inspectedAt, place: null, category: c.facts.procedure };
  }
};

/** The building of a unit such as "3-2-1201" is "3"; a place without a "-" is its own building. */
export const buildingOf = (place: string): string => {
  const dash = place.indexOf('-');
  return dash < 0 ? place : place.slice(0, dash);
};

/** The case's row. */
export const caseRowOf = (c: CaseFacts, caseId: string, state: CaseState<unknown>, ruleset: Ruleset, lastRecordedAt: number): CaseRow => {
  const { received, place, category } = profileOf(c);
  const zone = ruleset.property(c.facts.propertyId)!.timeZone;
  const receivedAt = received === null ? null : epochMillis(received);
  return {
    case_type: c.caseType,
    case_id: caseId,
    property_id: c.facts.propertyId,
    state: state.snapshot.state,
    open: hasEnded(state) ? 0 : 1,
    category,
    channel: c.caseType === 'complaint' || c.caseType === 'visit' ? c.facts.channel : null,
    complexity: c.caseType === 'repair' ? c.facts.complexity : null,
    place,
    building: place === null ? null : buildingOf(place),
    department: c.caseType === 'complaint' || c.caseType === 'visit' ? c.facts.department : null,
    technician_id: c.caseType === 'repair' ? c.facts.technicianId : null,
    received_at: receivedAt,
    // As the kpi column dates it: the period the record belongs to.
    received_date: reportingDateOf(c, zone),
    revision: Number(state.revision),
    ruleset_version: state.rulesetVersion!,
    last_recorded_at: lastRecordedAt,
    facts: JSON.stringify(c.facts),
  };
};
