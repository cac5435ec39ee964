import { Temporal } from 'temporal-polyfill';
import { clockSubjectOf, isRecordType, recordedMissesOf } from '../records.js';
import type { Ruleset } from '../ruleset/ruleset.js';
import { epochNanos } from '../time/index.js';
import { caseClocks } from './clocks.js';

/**
 * The recorded miss an event would contradict: a clock the record holds a miss of, for the same
 * deadline, that the record after the event stops at or before that deadline — it would have been
 * met. A miss is dated at its deadline and does not bound the time of the events after it (an
 * import's later rows, a desk's entry within the back-dating allowance), so this is what keeps
 * them from meeting, after the fact, a deadline the watcher recorded as missed.
 */
export const contradictedMiss = (
  caseType: string,
  before: unknown,
  /** The facts after the event, asked for only when the record holds a miss. */
  after: () => unknown,
  ruleset: Ruleset,
  occurredAt: string,
): { readonly clock: string; readonly deadline: string; readonly stoppedAt: string } | undefined => {
  if (!isRecordType(caseType) || recordedMissesOf({ caseType, facts: before }).length === 0) return undefined;
  const subject = clockSubjectOf({ caseType, facts: after() });
  const clocks = caseClocks(subject, ruleset, Temporal.Instant.from(occurredAt));
  for (const miss of subject.misses) {
    const clock = clocks.find((k) => k.clock === miss.clock);
    if (!clock || clock.stoppedAt === null || clock.deadline === null) continue;
    const deadline = epochNanos(miss.deadline);
    if (epochNanos(clock.deadline) === deadline && epochNanos(clock.stoppedAt) <= deadline) {
      return { clock: miss.clock, deadline: miss.deadline, stoppedAt: clock.stoppedAt };
    }
  }
  return undefined;
};
