import { Temporal } from 'temporal-polyfill';
import { epochNanos, isoOfNanos } from '../time/index.js';
import type { Intake } from '../ruleset/schema.js';
import { OccurredAtRefusedError } from './errors.js';

const NANOS_PER_SECOND = 1_000_000_000n;
const NANOS_PER_MINUTE = 60_000_000_000n;

/**
 * The time an event counts from. Desks may enter a call some minutes late, so a claimed time
 * is trusted within the ruleset's back-dating allowance; beyond it the event is refused unless
 * it comes from an administrator's historical import. A claim slightly ahead of the server
 * (desk clock skew, within the tolerance) counts as now; further ahead is refused.
 */
export const effectiveOccurredAt = (options: {
  claimed: string | undefined;
  now: Temporal.Instant;
  intake: Intake;
  previous: string | null;
  imported: boolean;
}): string => {
  const { claimed, now, intake, previous, imported } = options;
  // Decided on epoch nanoseconds, exactly; Temporal only words a refusal. Every command passes here.
  const nowNs = now.epochNanoseconds;
  let at = claimed === undefined ? nowNs : epochNanos(claimed);
  if (at - nowNs > BigInt(intake.futureToleranceSeconds) * NANOS_PER_SECOND) {
    const ahead = Temporal.Instant.fromEpochNanoseconds(at).since(now).total('seconds');
    throw new OccurredAtRefusedError(
      claimed!,
      'future',
      `occurredAt ${claimed} is ${Math.ceil(ahead)} s ahead of the server clock (${now.toString()}); future times are refused`,
    );
  }
  if (at > nowNs) at = nowNs;
  if (!imported && nowNs - at > BigInt(intake.backdatingAllowanceMinutes) * NANOS_PER_MINUTE) {
    const behindMinutes = now.since(Temporal.Instant.fromEpochNanoseconds(at)).total('minutes');
    throw new OccurredAtRefusedError(
      claimed!,
      'beyond_backdating_allowance',
      `occurredAt ${claimed} is ${Math.floor(behindMinutes)} min before the server clock; the ruleset allows ${intake.backdatingAllowanceMinutes} min of back-dating`,
    );
  }
  if (previous !== null && at < epochNanos(previous)) {
    throw new OccurredAtRefusedError(
      claimed ?? isoOfNanos(at),
      'before_previous_event',
      `occurredAt ${isoOfNanos(at)} is before the case's previous event (${previous})`,
    );
  }
  return isoOfNanos(at);
};

/**
 * The time of an event that states its own (a deadline miss occurs at its deadline): not a claim,
 * so the back-dating allowance and the previous event's time do not bound it. A claimed time, if
 * the command carries one, must be that instant; a time ahead of the server clock is refused as
 * any other.
 */
export const fixedOccurredAt = (fixed: string, claimed: string | undefined, now: Temporal.Instant, intake: Intake): string => {
  const at = epochNanos(fixed);
  if (claimed !== undefined && epochNanos(claimed) !== at) {
    throw new OccurredAtRefusedError(claimed, 'not_its_own_time', `occurredAt ${claimed}: this event occurs at ${isoOfNanos(at)}, the instant its data states`);
  }
  return effectiveOccurredAt({ claimed: isoOfNanos(at), now, intake, previous: null, imported: true });
};
