import { Temporal } from 'temporal-polyfill';
import { isEngineError } from '../../errors.js';
import type { ClockId } from '../events/shared.js';
import type { Ruleset } from '../ruleset/ruleset.js';
import type { Milestone, SlaPolicy } from '../ruleset/schema.js';
import { clockProgress, type ClockDuration, type Interval } from '../time/index.js';
import { endedAt, milestoneAt, pausesOf, type CaseFacts } from './milestones.js';

export type ClockStatus =
  | 'not_started'
  /** Counting, below the at-risk share. */
  | 'running'
  | 'paused'
  | 'at_risk'
  /** Stopped at or before the deadline (deadlines are inclusive). */
  | 'met'
  /** The deadline passed without the stopping event, or the stop came after it. */
  | 'missed'
  /** The case ended (withdrawn, rejected, cancelled, closed) before the clock stopped, in time. */
  | 'ended'
  /** The deadline cannot be computed, e.g. it falls in a year whose holiday schedule is unpublished. */
  | 'undetermined';

export interface CaseClock {
  readonly clock: ClockId;
  readonly policyId: string;
  readonly duration: ClockDuration;
  readonly startedAt: string | null;
  readonly stoppedAt: string | null;
  readonly deadline: string | null;
  readonly status: ClockStatus;
  readonly paused: boolean;
  readonly consumedShare: number | null;
  readonly remainingMinutes: number | null;
  readonly pauses: ReadonlyArray<{ readonly start: string; readonly end: string | null; readonly reason: string }>;
  readonly error?: { readonly code: string; readonly message: string };
}

export const toClockDuration = (policy: SlaPolicy): ClockDuration =>
  policy.duration.kind === 'working_days'
    ? { kind: 'working_days', days: policy.duration.days }
    : { kind: policy.duration.kind, minutes: (policy.duration.hours ?? 0) * 60 + (policy.duration.minutes ?? 0) };

const instant = (iso: string) => Temporal.Instant.from(iso);
const earliest = (a: string | null, b: string | null) =>
  a === null ? b : b === null ? a : Temporal.Instant.compare(instant(a), instant(b)) <= 0 ? a : b;

/** One clock of a case at `now`, under the given policy (DOMAIN.md "SLA clocks"). */
export const caseClock = (c: CaseFacts, policy: SlaPolicy, ruleset: Ruleset, now: Temporal.Instant): CaseClock => {
  const duration = toClockDuration(policy);
  const startedAt = milestoneAt(c, policy.starts as Milestone);
  const stoppedAt = milestoneAt(c, policy.stops as Milestone);
  const ledger = policy.pausedIn.includes('paused') ? pausesOf(c) : [];
  const base = { clock: policy.clock, policyId: policy.id, duration, startedAt, stoppedAt, pauses: ledger };
  if (startedAt === null) {
    return { ...base, deadline: null, status: 'not_started', paused: false, consumedShare: null, remainingMinutes: null };
  }
  const calendar = ruleset.property(c.facts.propertyId)?.businessCalendar;
  if (!calendar) throw new Error(`case of unknown property ${c.facts.propertyId}`);
  // The clock is read where it stopped: at its stopping event, or when the case ended without it.
  const ended = stoppedAt === null ? endedAt(c) : null;
  const readAt = earliest(stoppedAt ?? ended, now.toString())!;
  const pauses: Interval[] = ledger.map((p) => ({ start: instant(p.start), ...(p.end ? { end: instant(p.end) } : {}), reason: p.reason }));
  try {
    const progress = clockProgress(calendar, duration, instant(startedAt), pauses, instant(readAt));
    const late = Temporal.Instant.compare(instant(readAt), progress.deadline) > 0;
    const status: ClockStatus =
      stoppedAt !== null ? (late ? 'missed' : 'met')
      : late ? 'missed'
      : ended !== null ? 'ended'
      : progress.paused ? 'paused'
      : progress.share >= policy.atRisk ? 'at_risk'
      : 'running';
    return {
      ...base, deadline: progress.deadline.toString(), status, paused: progress.paused,
      consumedShare: progress.share, remainingMinutes: progress.remainingMinutes,
    };
  } catch (error) {
    if (!isEngineError(error)) throw error;
    return {
      ...base, deadline: null, status: 'undetermined', paused: false, consumedShare: null, remainingMinutes: null,
      error: { code: error.code, message: error.message },
    };
  }
};

/** Every clock the ruleset gives this case, at `now`. */
export const caseClocks = (c: CaseFacts, ruleset: Ruleset, now: Temporal.Instant): CaseClock[] => {
  const profile = {
    caseType: c.caseType,
    category: c.facts.category,
    ...(c.caseType === 'repair' ? { complexity: c.facts.complexity } : {}),
  };
  return [...ruleset.policiesFor(profile).values()].map((policy) => caseClock(c, policy, ruleset, now));
};
