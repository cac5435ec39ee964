import { Temporal } from 'temporal-polyfill';
import { calendarDays, dayNumber, plainDateOf } from './days.js';
import { CalendarNoWorkingDayError, CalendarYearUnpublishedError } from './errors.js';
import type { CalendarSpec } from './spec.js';

export type { BusinessCalendar, BusinessHours, CalendarDay, DayKind } from './business-calendar.js';
import type { BusinessCalendar, CalendarDay } from './business-calendar.js';

/**
 * The longest run of rest days tolerated before a search gives up: real calendars never come close
 * (the longest Chinese break is 9 days), so reaching it means the calendar data is wrong.
 */
export const MAX_REST_DAYS_IN_A_ROW = 366;

export function createBusinessCalendar(spec: CalendarSpec): BusinessCalendar {
  const listed = new Map<string, CalendarDay>();
  const published = new Set<number>();
  for (const [key, year] of Object.entries(spec.years)) {
    if (!year.published) continue;
    published.add(Number(key));
    for (const holiday of year.holidays) {
      const to = Temporal.PlainDate.from(holiday.to);
      for (let day = Temporal.PlainDate.from(holiday.from); Temporal.PlainDate.compare(day, to) <= 0; day = day.add({ days: 1 })) {
        listed.set(day.toString(), { kind: 'holiday', name: holiday.name });
      }
    }
    for (const workday of year.workdays) listed.set(workday, { kind: 'makeup_workday' });
  }
  const weekend = new Set(spec.weekend);
  const ordinary: Record<'workday' | 'weekend', CalendarDay> = { workday: { kind: 'workday' }, weekend: { kind: 'weekend' } };

  const dayKind = (date: Temporal.PlainDate): CalendarDay => {
    if (!published.has(date.year)) throw new CalendarYearUnpublishedError(spec.id, date.year);
    return listed.get(date.toString()) ?? (weekend.has(date.dayOfWeek) ? ordinary.weekend : ordinary.workday);
  };
  const isWorkingDay = (date: Temporal.PlainDate): boolean => {
    const { kind } = dayKind(date);
    return kind === 'workday' || kind === 'makeup_workday';
  };

  return {
    id: spec.id,
    name: spec.name,
    timeZone: spec.timeZone,
    businessHours: {
      start: Temporal.PlainTime.from(spec.businessHours.start),
      end: Temporal.PlainTime.from(spec.businessHours.end),
    },
    dayKind,
    isWorkingDay,
  };
}

/**
 * The working days of `calendar` from `first` on (inclusive), in order, without end. Stops with
 * CalendarNoWorkingDayError after MAX_REST_DAYS_IN_A_ROW rest days in a row and with
 * CalendarYearUnpublishedError on reaching a year without a schedule.
 */
export function* workingDaysFrom(calendar: BusinessCalendar, first: Temporal.PlainDate): Generator<Temporal.PlainDate> {
  for (const day of workingDayNumbersFrom(calendar, dayNumber(first))) yield plainDateOf(day);
}

/** workingDaysFrom with days as day numbers (days.ts). */
export function* workingDayNumbersFrom(calendar: BusinessCalendar, first: number): Generator<number> {
  const days = calendarDays(calendar);
  let restDays = 0;
  for (let day = first; ; day++) {
    if (days.isWorking(day)) {
      restDays = 0;
      yield day;
    } else if (++restDays >= MAX_REST_DAYS_IN_A_ROW) {
      throw new CalendarNoWorkingDayError(calendar.id, plainDateOf(first - 1).toString(), restDays);
    }
  }
}
