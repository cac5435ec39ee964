import { Temporal } from 'temporal-polyfill';
import { loadCase, type CaseHistory } from '../app/case-history.js';
import type { RulesetRegistry } from '../ruleset/registry.js';
import { caseView } from '../app/case-view.js';
import { RecordNotFoundError, InvalidCommandError } from '../domain/case/errors.js';
import type { DomainEvent } from '../domain/events/envelope.js';
import { clockSubjectOf, type RecordType } from '../domain/records.js';
import { isEngineError } from '../errors.js';
import type { Ruleset } from '../domain/ruleset/ruleset.js';
import type { CaseClock } from '../domain/sla/clocks.js';
import type { ClockSubject } from '../domain/sla/subject.js';
import { explainDeadline } from '../domain/time/index.js';
import type { EventStore } from '../store/port.js';

/** Minutes between the claimed and the recorded time: positive when the event was entered after it happened. */
export const gapMinutes = (metadata: { recordedAt: string; occurredAt: string }): number =>
  (Date.parse(metadata.recordedAt) - Date.parse(metadata.occurredAt)) / 60_000;

/** An instant the audit may look at: now when absent, never later than now. */
export const auditInstant = (asOf: string | undefined, now: Temporal.Instant): Temporal.Instant => {
  if (asOf === undefined) return now;
  const at = Temporal.Instant.from(asOf);
  if (Temporal.Instant.compare(at, now) > 0)
    throw new InvalidCommandError('asOf', `asOf ${asOf} is later than the server clock (${now.toString()}): the log cannot tell the future`);
  return at;
};

/** The case as the engine knew it at `asOf`: the events recorded up to then. */
export const historyAsOf = (history: CaseHistory, asOf: Temporal.Instant): CaseHistory => {
  const limit = asOf.epochMilliseconds;
  const known = history.events.filter((e) => Date.parse(e.metadata.recordedAt) <= limit).length;
  return { ...history, events: history.events.slice(0, known), states: history.states.slice(0, known), state: history.states[known - 1]! };
};

const timelineEntry = (event: DomainEvent, revision: number, stateAfter: string) => ({
  revision,
  id: event.id,
  type: event.type,
  actor: event.metadata.actor,
  recordedAt: event.metadata.recordedAt,
  occurredAt: event.metadata.occurredAt,
  /** Recorded minus claimed, in minutes: how far back the entry was dated. */
  gapMinutes: gapMinutes(event.metadata),
  rulesetVersion: event.metadata.rulesetVersion,
  imported: event.metadata.imported === true,
  commandId: event.metadata.commandId,
  stateAfter,
  data: event.data,
});

const earlier = (a: string, b: string) => (Date.parse(a) <= Date.parse(b) ? a : b);

/** How a clock's deadline was reached, in plain lines, read where caseClock reads it. */
const explainClock = (clock: CaseClock, c: ClockSubject, ruleset: Ruleset, asOf: Temporal.Instant): string[] => {
  if (clock.startedAt === null) return ['not started: the event that starts this clock has not been recorded'];
  const calendar = ruleset.property(c.propertyId)!.businessCalendar;
  const stop = clock.stoppedAt ?? c.endedAt;
  const readAt = stop === null ? asOf.toString() : earlier(stop, asOf.toString());
  const pauses = clock.pauses.map((p) => ({
    start: Temporal.Instant.from(p.start),
    ...(p.end ? { end: Temporal.Instant.from(p.end) } : {}),
    reason: p.reason,
  }));
  let lines: string[];
  try {
    lines = explainDeadline(calendar, clock.duration, Temporal.Instant.from(clock.startedAt), pauses, Temporal.Instant.from(readAt));
  } catch (error) {
    if (!isEngineError(error)) throw error;
    return [`deadline undetermined: ${error.message}`];
  }
  const outcome =
    clock.stoppedAt !== null
      ? `stopped ${clock.stoppedAt}: ${clock.status === 'met' ? 'at or before the deadline (met)' : 'after the deadline (missed)'}`
      : clock.status === 'missed'
        ? `no stopping event by the deadline: missed`
        : clock.status === 'ended'
          ? `the case ended (${stop}) before the clock stopped, in time`
          : `still running at ${asOf.toString()} (${clock.status})`;
  return [...lines, outcome];
};

/**
 * A case exactly as it stood at `asOf`: state, revision and SLA clocks under the ruleset the case
 * was received with (the same view GET /v1/{complaints|repairs}/{id} gave at that instant), the
 * timeline of what was recorded up to then, and each clock explained step by step.
 */
export const replayCase = async (
  deps: { store: EventStore; rulesets: RulesetRegistry },
  caseType: RecordType,
  caseId: string,
  asOf: Temporal.Instant,
  /** Whether the caller may see a record of this property; one it may not is answered as missing, before anything about it is said. */
  visible: (propertyId: string) => boolean = () => true,
) => {
  const full = await loadCase(deps.store, caseType, caseId);
  if (full.state.revision === null || !visible(full.state.propertyId!)) throw new RecordNotFoundError(caseType, caseId);
  const history = historyAsOf(full, asOf);
  if (history.events.length === 0) {
    throw Object.assign(new RecordNotFoundError(caseType, caseId), { message: `${caseType} ${caseId} had not been recorded yet at ${asOf.toString()}` });
  }
  const ruleset = await deps.rulesets.get(history.state.rulesetVersion!);
  const view = caseView(history, ruleset, asOf);
  const facts = clockSubjectOf({ caseType, facts: history.state.snapshot.facts });
  return {
    ...view,
    recordedRevisions: full.events.length,
    timeline: history.events.map((e, i) => timelineEntry(e, i, history.states[i]!.snapshot.state)),
    clocks: view.clocks.map((clock) => ({ ...clock, explanation: explainClock(clock, facts, ruleset, asOf) })),
  };
};
export type CaseReplay = Awaited<ReturnType<typeof replayCase>>;
