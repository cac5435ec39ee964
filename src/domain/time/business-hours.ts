import { calendarDays, workingDayNumbersFrom, type BusinessCalendar } from '../calendar/index.js';
import type { Span } from './interval.js';

/** Business hours on working days from `start` (epoch ns) on, in order, without end (the part before `start` cut off). */
export function* businessWindowsFrom(calendar: BusinessCalendar, start: bigint): Generator<Span> {
  const days = calendarDays(calendar);
  for (const day of workingDayNumbersFrom(calendar, days.zone.dayOf(start))) {
    const window = days.window(day);
    if (window.to <= start) continue;
    yield { from: window.from > start ? window.from : start, to: window.to };
  }
}
