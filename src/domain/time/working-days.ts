import { Temporal } from 'temporal-polyfill';
import { workingDaysFrom, type BusinessCalendar } from '../calendar/calendar.js';
import type { Span } from './interval.js';

/** Local midnight at which `date` begins in `timeZone` (not always 00:00 where DST starts at midnight). */
export const startOfDay = (date: Temporal.PlainDate, timeZone: string): bigint =>
  date.toZonedDateTime(timeZone).epochNanoseconds;

export const localDate = (instant: Temporal.Instant | bigint, timeZone: string): Temporal.PlainDate =>
  (typeof instant === 'bigint' ? Temporal.Instant.fromEpochNanoseconds(instant) : instant)
    .toZonedDateTimeISO(timeZone)
    .toPlainDate();

/** Whether one pause covers the whole local day, 00:00 to 24:00 (spans are merged, so one suffices). */
export function isFullyPaused(date: Temporal.PlainDate, timeZone: string, pauses: readonly Span[]): boolean {
  const from = startOfDay(date, timeZone);
  const to = startOfDay(date.add({ days: 1 }), timeZone);
  return pauses.some((pause) => pause.from <= from && pause.to >= to);
}

/**
 * The working days a working-days clock counts, day 1 first: the working days after the local day
 * of `start` (a clock started on a holiday counts its first working day after as day 1).
 *
 * Pauses: a working day counts unless a pause covers it entirely, 00:00–24:00 local. Each fully
 * paused working day therefore moves the deadline one working day later, and a partly paused day
 * counts in full — a working-day clock measures days, and a day with any time left to work on the
 * case is a day the department had. An open pause only reaches `now`, so the day in progress
 * counts until the pause has lasted through its midnight.
 */
export function countedWorkingDays(
  calendar: BusinessCalendar,
  start: Temporal.Instant,
  days: number,
  pauses: readonly Span[],
): Temporal.PlainDate[] {
  const counted: Temporal.PlainDate[] = [];
  const dayAfterStart = localDate(start, calendar.timeZone).add({ days: 1 });
  for (const day of workingDaysFrom(calendar, dayAfterStart)) {
    if (isFullyPaused(day, calendar.timeZone, pauses)) continue;
    counted.push(day);
    if (counted.length === days) break;
  }
  return counted;
}

/** Due at 24:00 local of the last counted day, i.e. when the next local day begins. */
export const workingDaysDeadline = (lastDay: Temporal.PlainDate, timeZone: string): bigint =>
  startOfDay(lastDay.add({ days: 1 }), timeZone);
