import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import { CalendarSpecInvalidError } from './errors.js';

/**
 * The business calendar as data (rules/calendars/*.yaml): which days are worked, per published year.
 * Dates stay ISO strings here so a spec is plain, hashable data; the calendar turns them into
 * Temporal values.
 */

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const parseDate = (text: string): Temporal.PlainDate | undefined => {
  if (!ISO_DATE.test(text)) return undefined;
  try {
    return Temporal.PlainDate.from(text, { overflow: 'reject' });
  } catch {
    return undefined;
  }
};

const isTimeZone = (zone: string): boolean => {
  try {
    Temporal.PlainDate.from('2000-01-01').toZonedDateTime(zone);
    return true;
  } catch {
    return false;
  }
};

// YAML 1.2 reads 2025-01-01 as a string; a spec read with YAML 1.1 timestamps would hand us a Date,
// which this schema refuses rather than guess the zone it was meant in.
const isoDate = z.string({ error: 'a date must be written YYYY-MM-DD' }).refine((text) => parseDate(text) !== undefined, {
  error: (issue) => `${String(issue.input)} is not a calendar date (YYYY-MM-DD)`,
});

const weekday = z.number().int().min(1, 'a weekday is 1 (Monday) to 7 (Sunday)').max(7, 'a weekday is 1 (Monday) to 7 (Sunday)');

const clockTime = z.string().regex(CLOCK_TIME, 'a time of day must be written HH:MM (00:00–23:59)');

const holidaySchema = z.strictObject({
  name: z.string().min(1, 'a holiday needs a name'),
  from: isoDate,
  to: isoDate,
});

const publishedYearSchema = z.strictObject({
  published: z.literal(true),
  /** The official notice the dates were taken from. */
  source: z.string().min(1).optional(),
  /**
   * Rest days, as inclusive ranges. Required for a published year so a forgotten list cannot pass
   * for "no holidays"; a year that truly has none says so with `holidays: []`.
   */
  holidays: z.array(holidaySchema, {
    error: (issue) => (issue.input === undefined ? 'a published year must list its holidays (write `holidays: []` for a year with none)' : undefined),
  }),
  /** Make-up workdays (调休上班): rest-weekdays that are worked this time. */
  workdays: z.array(isoDate).default([]),
});

const unpublishedYearSchema = z.strictObject({
  published: z.literal(false),
  source: z.string().min(1).optional(),
});

const yearSchema = z.discriminatedUnion('published', [publishedYearSchema, unpublishedYearSchema], {
  error: 'a year needs `published: true` (with its holidays) or `published: false`',
});

const businessHoursSchema = z
  .strictObject({ start: clockTime, end: clockTime })
  // Only once both are well-formed HH:MM, which then compare correctly as text.
  .refine(({ start, end }) => !CLOCK_TIME.test(start) || !CLOCK_TIME.test(end) || end > start, {
    error: 'businessHours.end must be later than businessHours.start',
    path: ['end'],
  });

const baseSpecSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'id must be lower-case letters, digits and dashes'),
  name: z.string().min(1),
  timeZone: z
    .string()
    .refine(isTimeZone, { error: (issue) => `${String(issue.input)} is not an IANA time zone` })
    .default('Asia/Shanghai'),
  weekend: z
    .array(weekday)
    .refine((days) => new Set(days).size === days.length, 'weekend lists a weekday twice')
    .default([6, 7]),
  businessHours: businessHoursSchema,
  years: z.record(z.string(), yearSchema),
});

type YearEntry = z.infer<typeof yearSchema>;
type Issue = { message: string; path: (string | number)[] };

/** Cross-field rules of one published year: dates inside the year, ranges forward, no day both rest and work. */
function yearIssues(key: string, year: YearEntry, weekend: readonly number[]): Issue[] {
  if (!/^\d{4}$/.test(key)) return [{ message: `year key ${key} must be a four-digit year such as 2025`, path: [key] }];
  if (!year.published) return [];
  const issues: Issue[] = [];
  const inYear = (text: string, path: (string | number)[]) => {
    const date = parseDate(text);
    if (!date || date.year === Number(key)) return date;
    issues.push({ message: `${text} is not in ${key}`, path: [key, ...path] });
    return undefined; // reported once here, not again as overlaps or conflicts
  };
  const restDays = new Map<string, string>();
  year.holidays.forEach((holiday, i) => {
    const from = inYear(holiday.from, ['holidays', i, 'from']);
    const to = inYear(holiday.to, ['holidays', i, 'to']);
    if (!from || !to) return;
    if (Temporal.PlainDate.compare(to, from) < 0) {
      issues.push({ message: `${holiday.name} ends (${holiday.to}) before it starts (${holiday.from})`, path: [key, 'holidays', i, 'to'] });
      return;
    }
    for (let day = from; Temporal.PlainDate.compare(day, to) <= 0; day = day.add({ days: 1 })) {
      const other = restDays.get(day.toString());
      if (other !== undefined) issues.push({ message: `${holiday.name} overlaps ${other} on ${day}`, path: [key, 'holidays', i] });
      restDays.set(day.toString(), holiday.name);
    }
  });
  year.workdays.forEach((text, i) => {
    const date = inYear(text, ['workdays', i]);
    if (!date) return;
    const holiday = restDays.get(text);
    if (holiday !== undefined) {
      issues.push({ message: `${text} is both a holiday (${holiday}) and a make-up workday`, path: [key, 'workdays', i] });
    } else if (!weekend.includes(date.dayOfWeek)) {
      issues.push({ message: `${text} is already a workday, so it cannot be a make-up workday`, path: [key, 'workdays', i] });
    }
  });
  return issues;
}

export const calendarSpecSchema = baseSpecSchema.superRefine((spec, ctx) => {
  for (const [key, year] of Object.entries(spec.years)) {
    for (const issue of yearIssues(key, year, spec.weekend)) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: ['years', ...issue.path] });
    }
  }
});

export type CalendarSpec = z.output<typeof calendarSpecSchema>;
/** What a rules file may leave out (time zone, weekend and make-up workdays have defaults). */
export type CalendarSpecInput = z.input<typeof calendarSpecSchema>;

/** Validates raw calendar data (e.g. parsed YAML); every failure is reported with its dotted path. */
export function parseCalendarSpec(input: unknown): CalendarSpec {
  const result = calendarSpecSchema.safeParse(input);
  if (result.success) return result.data;
  throw new CalendarSpecInvalidError(result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })));
}
