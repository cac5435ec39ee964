import { calendarDays, workingDayNumbersFrom, type BusinessCalendar, type ZoneDays } from '../calendar/index.js';
import type { Span } from './interval.js';

/** Whether one pause covers the whole local day, 00:00 to 24:00 (spans are merged, so one suffices). */
export function isFullyPaused(day: number, zone: ZoneDays, pauses: readonly Span[]): boolean {
  if (pauses.length === 0) return false;
  const from = zone.startOf(day);
  const to = zone.startOf(day + 1);
  return pauses.some((pause) => pause.from <= from && pause.to >= to);
}

/**
 * The working days a working-days clock counts, day 1 first, as day numbers: the working days
 * after the local day of `start` (a clock started on a holiday counts its first working day after as day 1).
 *
 * Pauses: a working day counts unless a pause covers it entirely, 00:00–24:00 local. Each fully
 * paused working day therefore moves the deadline one working day later, and a partly paused day
 * counts in full — a working-day clock measures days, and a day with any time left to work on the
 * case is a day the department had. An open pause only reaches `now`, so the day in progress
 * counts until the pause has lasted through its midnight.
 */
export function countedWorkingDays(calendar: BusinessCalendar, start: bigint, days: number, pauses: readonly Span[]): number[] {
  const { zone } = calendarDays(calendar);
  const counted: number[] = [];
  for (const day of workingDayNumbersFrom(calendar, zone.dayOf(start) + 1)) {
    if (isFullyPaused(day, zone, pauses)) continue;
    counted.push(day);
    if (counted.length === days) break;
  }
  return counted;
}

/** Due at 24:00 local of the last counted day, i.e. when the next local day begins. */
export const workingDaysDeadline = (lastDay: number, zone: ZoneDays): bigint => zone.startOf(lastDay + 1);
