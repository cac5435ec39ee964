import { Temporal } from 'temporal-polyfill';
import type { Intake } from '../ruleset/schema.js';
import { OccurredAtRefusedError } from './errors.js';

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
  let at = claimed === undefined ? now : Temporal.Instant.from(claimed);
  const ahead = at.since(now).total('seconds');
  if (ahead > intake.futureToleranceSeconds) {
    throw new OccurredAtRefusedError(claimed!, 'future', `occurredAt ${claimed} is ${Math.ceil(ahead)} s ahead of the server clock (${now.toString()}); future times are refused`);
  }
  if (ahead > 0) at = now;
  const behindMinutes = now.since(at).total('minutes');
  if (!imported && behindMinutes > intake.backdatingAllowanceMinutes) {
    throw new OccurredAtRefusedError(
      claimed!,
      'beyond_backdating_allowance',
      `occurredAt ${claimed} is ${Math.floor(behindMinutes)} min before the server clock; the ruleset allows ${intake.backdatingAllowanceMinutes} min of back-dating`,
    );
  }
  if (previous !== null && Temporal.Instant.compare(at, Temporal.Instant.from(previous)) < 0) {
    throw new OccurredAtRefusedError(claimed ?? at.toString(), 'before_previous_event', `occurredAt ${at.toString()} is before the case's previous event (${previous})`);
  }
  return at.toString();
};
