import type { Temporal } from 'temporal-polyfill';

/** What a business calendar answers: its zone, business hours and the kind of each day. */
export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup_workday';

export interface CalendarDay {
  readonly kind: DayKind;
  /** The holiday's name, for `holiday` days. */
  readonly name?: string;
}

export interface BusinessHours {
  readonly start: Temporal.PlainTime;
  readonly end: Temporal.PlainTime;
}

export interface BusinessCalendar {
  readonly id: string;
  readonly name: string;
  /** IANA zone in which every day of this calendar begins and ends. */
  readonly timeZone: string;
  readonly businessHours: BusinessHours;
  /** Throws CalendarYearUnpublishedError for a year the calendar has no official schedule for. */
  dayKind(date: Temporal.PlainDate): CalendarDay;
  isWorkingDay(date: Temporal.PlainDate): boolean;
}
