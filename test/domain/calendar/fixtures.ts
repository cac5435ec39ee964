import { readFileSync } from 'node:fs';
import { Temporal } from 'temporal-polyfill';
import { parse } from 'yaml';
import { createBusinessCalendar, parseCalendarSpec, type BusinessCalendar, type CalendarSpecInput } from '../../../src/domain/calendar/index.js';

export const SHIPPED_CALENDAR_FILE = new URL('../../../rules/calendars/cn-mainland.yaml', import.meta.url);

export const shippedCalendarData = (): unknown => parse(readFileSync(SHIPPED_CALENDAR_FILE, 'utf8'));

export const shippedCalendar = (): BusinessCalendar => createBusinessCalendar(parseCalendarSpec(shippedCalendarData()));

/** A small valid spec to vary in tests. */
export const sampleSpec = (): CalendarSpecInput => ({
  id: 'sample',
  name: 'sample calendar',
  timeZone: 'Asia/Shanghai',
  weekend: [6, 7],
  businessHours: { start: '08:30', end: '17:30' },
  years: {
    '2025': {
      published: true,
      holidays: [{ name: '春节', from: '2025-01-28', to: '2025-02-04' }],
      workdays: ['2025-01-26', '2025-02-08'],
    },
  },
});

export const calendarFrom = (spec: CalendarSpecInput): BusinessCalendar => createBusinessCalendar(parseCalendarSpec(spec));

/** The instant of a local wall-clock reading, e.g. at('2025-01-27T23:59') in Asia/Shanghai. */
export const at = (local: string, timeZone = 'Asia/Shanghai'): Temporal.Instant => Temporal.PlainDateTime.from(local).toZonedDateTime(timeZone).toInstant();

export const date = (text: string): Temporal.PlainDate => Temporal.PlainDate.from(text);

/** A calendar without holidays in another zone, to test day boundaries where clocks change. */
export const zoneCalendar = (timeZone: string, weekend = [6, 7], businessHours = { start: '09:00', end: '17:00' }) =>
  calendarFrom({ ...sampleSpec(), id: 'zone', timeZone, weekend, businessHours, years: { '2025': { published: true, holidays: [] } } });

/** An instant as the local reading with offset, e.g. 2025-02-08T00:00:00+08:00: the form auditors read. */
export const local = (instant: Temporal.Instant, timeZone = 'Asia/Shanghai'): string => instant.toString({ timeZone });
