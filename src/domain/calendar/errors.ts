import { EngineError, hasCode } from '../../errors.js';

export const CALENDAR_SPEC_INVALID = 'CALENDAR_SPEC_INVALID' as const;
/** A calendar file does not follow the format; each issue names the path of the offending value. */
export class CalendarSpecInvalidError extends EngineError {
  readonly code = CALENDAR_SPEC_INVALID;
  constructor(readonly issues: readonly { path: string; message: string }[]) {
    super(`calendar spec is invalid: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, {
      issues,
    });
  }
}
export const isCalendarSpecInvalid = hasCode<CalendarSpecInvalidError>(CALENDAR_SPEC_INVALID);

export const CALENDAR_YEAR_UNPUBLISHED = 'CALENDAR_YEAR_UNPUBLISHED' as const;
/**
 * The calendar has no official schedule for the year a computation reached. Treating such a year
 * as plain weekdays would produce deadlines that the official holidays later prove wrong, so the
 * computation stops instead.
 */
export class CalendarYearUnpublishedError extends EngineError {
  readonly code = CALENDAR_YEAR_UNPUBLISHED;
  constructor(
    readonly calendarId: string,
    readonly year: number,
  ) {
    super(`calendar ${calendarId} has no published holiday schedule for ${year}`, { calendarId, year });
  }
}
export const isCalendarYearUnpublished = hasCode<CalendarYearUnpublishedError>(CALENDAR_YEAR_UNPUBLISHED);

export const CALENDAR_NO_WORKING_DAY = 'CALENDAR_NO_WORKING_DAY' as const;
/** A search for the next working day ran through a whole year of rest days: the calendar is wrong. */
export class CalendarNoWorkingDayError extends EngineError {
  readonly code = CALENDAR_NO_WORKING_DAY;
  constructor(
    readonly calendarId: string,
    readonly after: string,
    readonly searchedDays: number,
  ) {
    super(`calendar ${calendarId} has no working day in the ${searchedDays} days after ${after}`, {
      calendarId,
      after,
      searchedDays,
    });
  }
}
export const isCalendarNoWorkingDay = hasCode<CalendarNoWorkingDayError>(CALENDAR_NO_WORKING_DAY);
