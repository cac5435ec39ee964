import type { Temporal } from 'temporal-polyfill';
import { isEngineError } from '../../errors.js';
import type { ClockId } from '../events/shared.js';
import type { Ruleset } from '../ruleset/ruleset.js';
import type { SlaPolicy } from '../ruleset/schema.js';
import { clockProgressOfNanos, epochNanos, isoOfNanos, type ClockDuration, type NanoInterval } from '../time/index.js';
import type { ClockSubject } from './subject.js';

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

/** One clock of a case at `now`, under the given policy (docs/domain.md, "SLA clocks"). */
export const caseClock = (c: ClockSubject, policy: SlaPolicy, ruleset: Ruleset, now: Temporal.Instant): CaseClock =>
  caseClockAt(c, policy, ruleset, now.epochNanoseconds);

type ClockReading = Pick<CaseClock, 'deadline' | 'status' | 'paused' | 'consumedShare' | 'remainingMinutes' | 'error'>;

/** caseClock with `now` in epoch nanoseconds. */
export const caseClockAt = (c: ClockSubject, policy: SlaPolicy, ruleset: Ruleset, now: bigint): CaseClock => {
  const duration = toClockDuration(policy);
  const startedAt = c.milestoneAt(policy.starts);
  const stoppedAt = c.milestoneAt(policy.stops);
  const ledger = policy.pausedIn.length > 0 ? c.pauses : [];
  // Written out rather than spread from a shared part: V8 spreads objects slowly, and this runs for every clock of every case written.
  const clock = (reading: ClockReading): CaseClock => ({
    clock: policy.clock,
    policyId: policy.id,
    duration,
    startedAt,
    stoppedAt,
    pauses: ledger,
    deadline: reading.deadline,
    status: reading.status,
    paused: reading.paused,
    consumedShare: reading.consumedShare,
    remainingMinutes: reading.remainingMinutes,
    ...(reading.error ? { error: reading.error } : {}),
  });
  if (startedAt === null) {
    return clock({ deadline: null, status: 'not_started', paused: false, consumedShare: null, remainingMinutes: null });
  }
  const calendar = ruleset.property(c.propertyId)?.businessCalendar;
  if (!calendar) throw new Error(`case of unknown property ${c.propertyId}`);
  // The clock is read where it stopped: at its stopping event, or when the case ended without it.
  const ended = stoppedAt === null ? c.endedAt : null;
  const stop = stoppedAt ?? ended;
  const stopNs = stop === null ? null : epochNanos(stop);
  const readAt = stopNs !== null && stopNs <= now ? stopNs : now;
  const pauses: NanoInterval[] = ledger.map((p) =>
    p.end ? { start: epochNanos(p.start), end: epochNanos(p.end), reason: p.reason } : { start: epochNanos(p.start), reason: p.reason },
  );
  try {
    const progress = clockProgressOfNanos(calendar, duration, epochNanos(startedAt), pauses, readAt);
    const late = readAt > progress.deadline;
    const status: ClockStatus =
      stoppedAt !== null
        ? late
          ? 'missed'
          : 'met'
        : late
          ? 'missed'
          : ended !== null
            ? 'ended'
            : progress.paused
              ? 'paused'
              : progress.share >= policy.atRisk
                ? 'at_risk'
                : 'running';
    return clock({
      deadline: isoOfNanos(progress.deadline),
      status,
      paused: progress.paused,
      consumedShare: progress.share,
      remainingMinutes: progress.remainingMinutes,
    });
  } catch (error) {
    if (!isEngineError(error)) throw error;
    return clock({
      deadline: null,
      status: 'undetermined',
      paused: false,
      consumedShare: null,
      remainingMinutes: null,
      error: { code: error.code, message: error.message },
    });
  }
};

/** Every clock the ruleset gives this case, at `now`. */
export const caseClocks = (c: ClockSubject, ruleset: Ruleset, now: Temporal.Instant): CaseClock[] => caseClocksAt(c, ruleset, now.epochNanoseconds);

/** caseClocks with `now` in epoch nanoseconds. */
export const caseClocksAt = (c: ClockSubject, ruleset: Ruleset, now: bigint): CaseClock[] => {
  const profile = { caseType: c.caseType, category: c.category, ...(c.complexity === undefined ? {} : { complexity: c.complexity }) };
  return [...ruleset.policiesFor(profile).values()].map((policy) => caseClockAt(c, policy, ruleset, now));
};
