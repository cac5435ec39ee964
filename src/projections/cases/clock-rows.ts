import { isEngineError } from '../../errors.js';
import type { Ruleset } from '../../domain/ruleset/ruleset.js';
import type { SlaPolicy } from '../../domain/ruleset/schema.js';
import { caseClocksAt, type CaseClock } from '../../domain/sla/clocks.js';
import type { ClockSubject } from '../../domain/sla/subject.js';
import { deadlineOfNanos, epochMillis, epochNanos, floorMillis, type NanoInterval } from '../../domain/time/index.js';
import type { ClockRow } from './schema.js';

const ms = (iso: string | null | undefined): number | null => (iso ? epochMillis(iso) : null);

const policiesById = new WeakMap<Ruleset, ReadonlyMap<string, SlaPolicy>>();
const policyOf = (ruleset: Ruleset, id: string): SlaPolicy => {
  let byId = policiesById.get(ruleset);
  if (!byId) policiesById.set(ruleset, (byId = new Map(ruleset.spec.slaPolicies.map((p) => [p.id, p]))));
  return byId.get(id)!;
};

/**
 * When the clock reaches its at-risk share: for elapsed and business-hours clocks the deadline of
 * the same clock shortened to that share (rounded up to a whole minute), for working-days clocks
 * that share of the wall time from start to deadline.
 */
const atRiskAt = (c: ClockSubject, clock: CaseClock, policy: SlaPolicy, ruleset: Ruleset, now: bigint): number | null => {
  if (clock.startedAt === null || clock.deadline === null) return null;
  const start = epochNanos(clock.startedAt);
  if (clock.duration.kind === 'working_days') {
    const startMs = floorMillis(start);
    return Math.ceil(startMs + policy.atRisk * (epochMillis(clock.deadline) - startMs));
  }
  const pauses: NanoInterval[] = clock.pauses.map((p) => (p.end ? { start: epochNanos(p.start), end: epochNanos(p.end) } : { start: epochNanos(p.start) }));
  const minutes = Math.max(1, Math.ceil(clock.duration.minutes * policy.atRisk));
  const calendar = ruleset.property(c.propertyId)!.businessCalendar;
  try {
    return floorMillis(deadlineOfNanos(calendar, { kind: clock.duration.kind, minutes }, start, pauses, now).deadline);
  } catch (error) {
    if (!isEngineError(error)) throw error;
    return null;
  }
};

/** The latest instant the clocks depend on. */
const latestInput = (c: ClockSubject): bigint =>
  c.inputs
    .filter((at): at is string => typeof at === 'string')
    .map(epochNanos)
    .reduce((a, b) => (a >= b ? a : b), 0n);

/**
 * The rows of a case's SLA clocks, from the facts of the record's derived inputs alone (never from the time they
 * are computed, so replaying the log at any later moment writes the same rows). Clocks are read as
 * of the latest of those facts; while a pause is open, as of the moment it began: the deadline is
 * then the one the clock would have if the pause ended right there, and `paused_since` says it is moving.
 */
export const clockRowsOf = (c: ClockSubject, caseId: string, ruleset: Ruleset): ClockRow[] => {
  const openPause = c.pauses.find((p) => p.end === null);
  const now = openPause ? epochNanos(openPause.start) : latestInput(c);
  const ended = c.endedAt;
  return caseClocksAt(c, ruleset, now).map((clock): ClockRow => {
    const policy = policyOf(ruleset, clock.policyId);
    const running = clock.startedAt !== null && clock.stoppedAt === null && ended === null;
    const deadline = ms(clock.deadline);
    return {
      case_type: c.caseType,
      case_id: caseId,
      property_id: c.propertyId,
      clock: clock.clock,
      policy_id: clock.policyId,
      kind: clock.duration.kind,
      started_at: ms(clock.startedAt),
      stopped_at: ms(clock.stoppedAt),
      ended_at: clock.stoppedAt === null ? ms(ended) : null,
      deadline,
      at_risk_at: atRiskAt(c, clock, policy, ruleset, now),
      paused_since: running ? ms(clock.pauses.find((p) => p.end === null)?.start) : null,
      escalate_on_miss: policy.onMiss.escalate ? 1 : 0,
      // Per deadline, as the watcher records misses: a clock restarted after a recorded miss (a
      // callback after rework or reopening) has a new deadline that can be missed again.
      miss_recorded: deadline !== null && c.misses.some((m) => m.clock === clock.clock && ms(m.deadline) === deadline) ? 1 : 0,
      error: clock.error ? `${clock.error.code}: ${clock.error.message}` : null,
    };
  });
};
