import type { Temporal } from 'temporal-polyfill';
import type { BusinessCalendar } from '../calendar/calendar.js';
import { businessWindowsFrom } from './business-hours.js';
import { assertClockDuration, minutesToNanos, type ClockDuration } from './duration.js';
import { advance, END_OF_TIME, measure, pausedSpans, withoutPauses, type Interval, type PausedSpan, type Span } from './interval.js';
import { countedWorkingDays, workingDaysDeadline } from './working-days.js';

/** One SLA clock worked out against its calendar and pause ledger, as of `now`. */
export interface ClockRun {
  readonly deadline: bigint;
  readonly paused: boolean;
  readonly pauses: readonly PausedSpan[];
  /** The time the clock runs on, before pauses are cut out: all time, or business hours only. */
  readonly base: () => Iterable<Span>;
  /** Counted nanoseconds between the clock's start and `until`. */
  readonly counted: (until: bigint) => bigint;
  /** For working-days clocks: the working days counted, day 1 first. */
  readonly workingDays?: readonly Temporal.PlainDate[];
}

export function runClock(
  calendar: BusinessCalendar,
  duration: ClockDuration,
  start: Temporal.Instant,
  pauses: readonly Interval[],
  now: Temporal.Instant,
): ClockRun {
  assertClockDuration(duration);
  const { spans, paused } = pausedSpans(pauses, start, now);
  const from = start.epochNanoseconds;
  const base =
    duration.kind === 'business_hours'
      ? () => businessWindowsFrom(calendar, start)
      : () => [{ from, to: END_OF_TIME }];
  const counted = (until: bigint) => measure(withoutPauses(base(), spans), from, until);

  if (duration.kind === 'working_days') {
    const workingDays = countedWorkingDays(calendar, start, duration.days, spans);
    const deadline = workingDaysDeadline(workingDays.at(-1)!, calendar.timeZone);
    return { deadline, paused, pauses: spans, base, counted, workingDays };
  }
  const deadline = advance(withoutPauses(base(), spans), minutesToNanos(duration.minutes));
  return { deadline, paused, pauses: spans, base, counted };
}
