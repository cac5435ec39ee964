import type { BusinessCalendar } from '../../../src/domain/calendar/index.js';
import { deadlineFor, type ClockDuration } from '../../../src/domain/time/index.js';
import { at, local } from '../calendar/fixtures.js';

/** The local deadline of a clock started at a local reading, with no pauses. */
export function dueFrom(calendar: BusinessCalendar, duration: ClockDuration, received: string, timeZone = 'Asia/Shanghai'): string {
  const start = at(received, timeZone);
  return local(deadlineFor(calendar, duration, start, [], start).deadline, timeZone);
}
