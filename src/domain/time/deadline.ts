import { Temporal } from 'temporal-polyfill';
import type { BusinessCalendar } from '../calendar/calendar.js';
import { runClock } from './clock.js';
import { nanosToMinutes, type ClockDuration } from './duration.js';
import { toNanoIntervals, type Interval, type NanoInterval } from './interval.js';

export interface Deadline {
  readonly deadline: Temporal.Instant;
  /** A pause is open at `now`: the deadline keeps moving until it ends. */
  readonly paused: boolean;
}

/** Deadline and ClockProgress with instants in epoch nanoseconds, for callers that compute many. */
export interface NanoDeadline {
  readonly deadline: bigint;
  readonly paused: boolean;
}

/**
 * Deadline of a clock started at `start`, with pause intervals excluded. An open pause is counted
 * up to `now` and the result says `paused: true`. Elapsed clocks never consult the calendar's
 * days; the other kinds throw CalendarYearUnpublishedError when they reach a year without a schedule.
 */
export function deadlineFor(
  calendar: BusinessCalendar,
  duration: ClockDuration,
  start: Temporal.Instant,
  pauses: readonly Interval[],
  now: Temporal.Instant,
): Deadline {
  const run = deadlineOfNanos(calendar, duration, start.epochNanoseconds, toNanoIntervals(pauses), now.epochNanoseconds);
  return { deadline: Temporal.Instant.fromEpochNanoseconds(run.deadline), paused: run.paused };
}

export function deadlineOfNanos(
  calendar: BusinessCalendar,
  duration: ClockDuration,
  start: bigint,
  pauses: readonly NanoInterval[],
  now: bigint,
): NanoDeadline {
  const run = runClock(calendar, duration, start, pauses, now);
  return { deadline: run.deadline, paused: run.paused };
}

export interface ClockProgress extends Deadline {
  /** Minutes the clock has counted: pauses excluded, only business minutes for business_hours. */
  readonly consumedMinutes: number;
  /** Minutes the clock counts from start to deadline. */
  readonly totalMinutes: number;
  /** consumed / total: 1 at the deadline, above 1 once overdue. */
  readonly share: number;
  /** total − consumed: negative once overdue. */
  readonly remainingMinutes: number;
}

export type NanoClockProgress = Omit<ClockProgress, 'deadline'> & NanoDeadline;

/**
 * How much of the clock has been used at `now`. For a clock that has stopped, pass the instant it
 * stopped as `now`. Working-days clocks measure wall-clock time (pauses excluded) against the time
 * from start to their deadline, so `share` reads the same way for every kind.
 */
export function clockProgress(
  calendar: BusinessCalendar,
  duration: ClockDuration,
  start: Temporal.Instant,
  pauses: readonly Interval[],
  now: Temporal.Instant,
): ClockProgress {
  const progress = clockProgressOfNanos(calendar, duration, start.epochNanoseconds, toNanoIntervals(pauses), now.epochNanoseconds);
  return { ...progress, deadline: Temporal.Instant.fromEpochNanoseconds(progress.deadline) };
}

export function clockProgressOfNanos(
  calendar: BusinessCalendar,
  duration: ClockDuration,
  start: bigint,
  pauses: readonly NanoInterval[],
  now: bigint,
): NanoClockProgress {
  const run = runClock(calendar, duration, start, pauses, now);
  const total = run.counted(run.deadline);
  const consumed = run.counted(now);
  return {
    deadline: run.deadline,
    paused: run.paused,
    consumedMinutes: nanosToMinutes(consumed),
    totalMinutes: nanosToMinutes(total),
    share: Number(consumed) / Number(total),
    remainingMinutes: nanosToMinutes(total - consumed),
  };
}
