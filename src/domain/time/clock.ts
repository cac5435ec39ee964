import { calendarDays, type BusinessCalendar } from '../calendar/index.js';
import { businessWindowsFrom } from './business-hours.js';
import { assertClockDuration, minutesToNanos, type ClockDuration } from './duration.js';
import { advance, END_OF_TIME, measure, pausedSpans, withoutPauses, type NanoInterval, type PausedSpan, type Span } from './interval.js';
import { countedWorkingDays, workingDaysDeadline } from './working-days.js';

/** One SLA clock worked out against its calendar and pause ledger, as of `now`; instants in epoch nanoseconds. */
export interface ClockRun {
  readonly deadline: bigint;
  readonly paused: boolean;
  readonly pauses: readonly PausedSpan[];
  /** The time the clock runs on, before pauses are cut out: all time, or business hours only. */
  readonly base: () => Iterable<Span>;
  /** Counted nanoseconds between the clock's start and `until`. */
  readonly counted: (until: bigint) => bigint;
  /** For working-days clocks: the working days counted, day 1 first, as day numbers (calendar/days.ts). */
  readonly workingDays?: readonly number[];
}

export function runClock(calendar: BusinessCalendar, duration: ClockDuration, start: bigint, pauses: readonly NanoInterval[], now: bigint): ClockRun {
  assertClockDuration(duration);
  const { spans, paused } = pausedSpans(pauses, start, now);
  const base = duration.kind === 'business_hours' ? () => businessWindowsFrom(calendar, start) : () => [{ from: start, to: END_OF_TIME }];
  const counted = (until: bigint) => measure(withoutPauses(base(), spans), start, until);

  if (duration.kind === 'working_days') {
    const workingDays = countedWorkingDays(calendar, start, duration.days, spans);
    const deadline = workingDaysDeadline(workingDays.at(-1)!, calendarDays(calendar).zone);
    return { deadline, paused, pauses: spans, base, counted, workingDays };
  }
  const deadline = advance(withoutPauses(base(), spans), minutesToNanos(duration.minutes));
  return { deadline, paused, pauses: spans, base, counted };
}
