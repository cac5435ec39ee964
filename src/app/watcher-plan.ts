import { Temporal } from 'temporal-polyfill';
import type { CaseHistory } from './case-history.js';
import type { ClockId } from '../domain/events/shared.js';
import type { Ruleset } from '../domain/ruleset/ruleset.js';
import { caseClocks } from '../domain/sla/clocks.js';
import { clockSubjectOf, recordOf } from '../domain/records.js';
import type { DomainEvent } from '../domain/events/envelope.js';
import { missDetection, type MissDetection } from '../domain/sla/miss-detection.js';

/** Who records misses: the engine itself. The case service does not check roles (the API does). */
export const WATCHER_ACTOR = { id: 'deadline-watcher', role: 'system' } as const;

/**
 * The command ids of a miss and of its escalation: one per case, clock and deadline, so every
 * watcher (another process, a retry, the next start) derives the same id — and the same event
 * ids — and the case service finds the command already in the stream instead of writing again.
 */
export const missCommandId = (caseType: string, caseId: string, clock: string, deadline: string): string =>
  `deadline-miss:${caseType}:${caseId}:${clock}:${deadline}`;
export const escalationCommandId = (caseType: string, caseId: string, clock: string, deadline: string): string =>
  `deadline-escalation:${caseType}:${caseId}:${clock}:${deadline}`;

export const escalationReason = (clock: string, policyId: string, deadline: string): string =>
  `SLA ${clock} deadline ${deadline} missed (policy ${policyId}): escalated by the deadline watcher`;

const sameInstant = (a: string, b: string): boolean => Temporal.Instant.compare(Temporal.Instant.from(a), Temporal.Instant.from(b)) === 0;

export type MissPlan =
  | {
      readonly kind: 'act';
      readonly clock: ClockId;
      readonly policyId: string;
      /** ISO instant, as the clock computation writes it. */
      readonly deadline: string;
      /** Append the …DeadlineMissed event (none for this clock and deadline in the stream yet). */
      readonly record: boolean;
      /** Append the ComplaintEscalated event (policy onMiss.escalate, a miss noticed live and recorded, not yet escalated). */
      readonly escalate: boolean;
      /** How the miss was noticed: at `now` for one to record, when it was recorded for one in the stream. */
      readonly detection: MissDetection;
    }
  | {
      readonly kind: 'skip';
      readonly reason: string;
      /** Nothing will ever be due for this clock and deadline again: the stream holds it all, or the case ended. */
      readonly final: boolean;
    };

/** The latest recordedAt of the imported events among `events`: when the engine last learnt of the record's past by an import. */
const lastImportOf = (events: readonly DomainEvent[]): string | null => {
  let latest: string | null = null;
  for (const e of events)
    if (e.metadata.imported && (latest === null || Date.parse(e.metadata.recordedAt) > Date.parse(latest))) latest = e.metadata.recordedAt;
  return latest;
};

/**
 * What the watcher must append for one clock of a case, decided from the case's own stream
 * (the read model only nominates candidates, it may lag or be rebuilt): record a miss only when
 * the clock, computed at `now` under the ruleset the case was opened with, is missed without its
 * stopping event, the case is still open, and no miss of this clock and deadline is recorded yet.
 * Escalate once the miss is recorded, when the policy says so, the miss was noticed live
 * (missDetection, from the miss event's own recordedAt and the imports before it) and the
 * escalation command is not in the stream yet — so a miss is recorded first and its escalation
 * decided on the next look, from the stream alone.
 */
export const planMiss = (history: CaseHistory, ruleset: Ruleset, clockId: string, now: Temporal.Instant): MissPlan => {
  const { state } = history;
  if (state.revision === null) return { kind: 'skip', reason: 'no such case in the store', final: false };
  const c = clockSubjectOf({ caseType: history.caseType, facts: state.snapshot.facts });
  if (c.endedAt !== null || state.snapshot.done) return { kind: 'skip', reason: 'the case has ended', final: true };
  const clock = caseClocks(c, ruleset, now).find((k) => k.clock === clockId);
  if (!clock) return { kind: 'skip', reason: 'the case has no such clock', final: false };
  if (clock.deadline === null) return { kind: 'skip', reason: `the clock is ${clock.status}`, final: false };
  const deadline = Temporal.Instant.from(clock.deadline).toString();
  const recorded = c.misses.some((m) => m.clock === clock.clock && sameInstant(m.deadline, deadline));
  const record = !recorded && clock.status === 'missed' && clock.stoppedAt === null;
  if (!recorded && !record) {
    return { kind: 'skip', reason: clock.stoppedAt !== null ? 'the clock has stopped' : `the clock is ${clock.status}`, final: false };
  }
  const missId = missCommandId(history.caseType, history.caseId, clock.clock, deadline);
  const at = recorded ? history.events.findIndex((e) => e.metadata.commandId === missId) : -1;
  const detection = missDetection({
    deadline,
    detectedAt: at >= 0 ? history.events[at]!.metadata.recordedAt : now.toString(),
    importedAt: lastImportOf(at >= 0 ? history.events.slice(0, at) : history.events),
    escalation: ruleset.spec.escalation,
  });
  const policy = ruleset.spec.slaPolicies.find((p) => p.id === clock.policyId);
  const escalationId = escalationCommandId(history.caseType, history.caseId, clock.clock, deadline);
  const escalate =
    recorded &&
    detection.kind === 'live' &&
    // A record whose lifecycle has an escalation reports a miss to management when its policy says so.
    recordOf(history.caseType).lifecycle.commands.some((command) => command.name === 'escalate') &&
    policy?.onMiss.escalate === true &&
    !history.events.some((e) => e.metadata.commandId === escalationId);
  if (!record && !escalate) return { kind: 'skip', reason: 'the miss is already recorded', final: true };
  return { kind: 'act', clock: clock.clock, policyId: clock.policyId, deadline, record, escalate, detection };
};
