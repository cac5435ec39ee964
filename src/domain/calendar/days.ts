import { Temporal } from 'temporal-polyfill';
import type { BusinessCalendar } from './business-calendar.js';
import { epochNanos } from '../time/epoch.js';

/**
 * Days as numbers (days since 1970-01-01), with what the clocks ask of each day worked out once
 * per zone or calendar and remembered: where a local day begins, whether it is a working day,
 * its business hours. A clock walks the same few hundred days again and again, and asking
 * Temporal each time (a zoned conversion, a date string) was most of a deadline's cost.
 */
const DAY_MS = 86_400_000;
const DAY_NS = 86_400_000_000_000n;

export const dayNumber = (date: Temporal.PlainDate): number => {
  const utc = new Date(0);
  utc.setUTCFullYear(date.year, date.month - 1, date.day);
  return utc.getTime() / DAY_MS;
};

export const plainDateOf = (day: number): Temporal.PlainDate => {
  const utc = new Date(day * DAY_MS);
  return new Temporal.PlainDate(utc.getUTCFullYear(), utc.getUTCMonth() + 1, utc.getUTCDate());
};

export interface ZoneDays {
  /** Epoch nanoseconds at which the local day begins (not always 00:00 where DST starts at midnight). */
  startOf(day: number): bigint;
  /** The local day an instant falls on. */
  dayOf(ns: bigint): number;
  /** The local day's YYYY-MM-DD. */
  dateOf(day: number): string;
}

const zones = new Map<string, ZoneDays>();

export const zoneDays = (timeZone: string): ZoneDays => {
  const known = zones.get(timeZone);
  if (known) return known;
  const starts = new Map<number, bigint>();
  const dates = new Map<number, string>();
  const startOf = (day: number): bigint => {
    let start = starts.get(day);
    if (start === undefined) starts.set(day, (start = plainDateOf(day).toZonedDateTime(timeZone).epochNanoseconds));
    return start;
  };
  const dayOf = (ns: bigint): number => {
    // Zone offsets are under a day, so the local day is the UTC day or a neighbour.
    let day = Math.floor(Number(ns / 1_000_000n) / DAY_MS);
    if (ns < startOf(day)) day -= 1;
    else if (ns >= startOf(day + 1)) day += 1;
    const start = startOf(day);
    const end = startOf(day + 1);
    // A day of other than 24 hours holds a clock change, which may move the date back across
    // midnight: Temporal reads such days.
    if (start <= ns && ns < end && end - start === DAY_NS) return day;
    return dayNumber(Temporal.Instant.fromEpochNanoseconds(ns).toZonedDateTimeISO(timeZone).toPlainDate());
  };
  const dateOf = (day: number): string => {
    let date = dates.get(day);
    if (date === undefined) dates.set(day, (date = plainDateOf(day).toString()));
    return date;
  };
  const days = { startOf, dayOf, dateOf };
  zones.set(timeZone, days);
  return days;
};

/**
 * Epoch ms at which a local date (YYYY-MM-DD) begins in a zone: where a due date or a month ends
 * is where the next one begins.
 */
export const startOfLocalDate = (date: string, timeZone: string): number =>
  Number(zoneDays(timeZone).startOf(dayNumber(Temporal.PlainDate.from(date))) / 1_000_000n);

/** YYYY-MM-DD of the local day an instant (ISO) falls on in a zone. */
export const localDateOf = (iso: string, timeZone: string): string => {
  const days = zoneDays(timeZone);
  return days.dateOf(days.dayOf(epochNanos(iso)));
};

export interface CalendarDays {
  readonly zone: ZoneDays;
  /** calendar.isWorkingDay of the day, throwing what it throws. */
  isWorking(day: number): boolean;
  /** The day's business hours as epoch nanoseconds [from, to) (DST-aware: 08:30 is 08:30 local either side of a change). */
  window(day: number): { readonly from: bigint; readonly to: bigint };
}

const calendars = new WeakMap<BusinessCalendar, CalendarDays>();

export const calendarDays = (calendar: BusinessCalendar): CalendarDays => {
  const known = calendars.get(calendar);
  if (known) return known;
  const { timeZone, businessHours } = calendar;
  const working = new Map<number, boolean>();
  const windows = new Map<number, { from: bigint; to: bigint }>();
  const days: CalendarDays = {
    zone: zoneDays(timeZone),
    isWorking(day) {
      let result = working.get(day);
      // Not remembered when it throws (a year without a schedule): the error is raised afresh each time.
      if (result === undefined) working.set(day, (result = calendar.isWorkingDay(plainDateOf(day))));
      return result;
    },
    window(day) {
      let window = windows.get(day);
      if (!window) {
        const date = plainDateOf(day);
        window = {
          from: date.toZonedDateTime({ timeZone, plainTime: businessHours.start }).epochNanoseconds,
          to: date.toZonedDateTime({ timeZone, plainTime: businessHours.end }).epochNanoseconds,
        };
        windows.set(day, window);
      }
      return window;
    },
  };
  calendars.set(calendar, days);
  return days;
};
