import { createRequire } from 'node:module';
import chineseDays from 'chinese-days';
import t from 'tap';
import { Temporal } from 'temporal-polyfill';
import { isCalendarYearUnpublished } from '../../../src/domain/calendar/index.js';
import { date, shippedCalendar } from './fixtures.js';

const calendar = shippedCalendar();
/** chinese-days' own data: official holidays and make-up workdays, keyed by date. */
const official = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
};

t.test('the shipped calendar agrees with chinese-days on every day of 2025 and 2026', async (t) => {
  const disagreements: string[] = [];
  let days = 0;
  for (let day = date('2025-01-01'); day.year <= 2026; day = day.add({ days: 1 })) {
    const text = day.toString();
    const { kind } = calendar.dayKind(day);
    days++;
    if (calendar.isWorkingDay(day) !== chineseDays.isWorkday(text)) disagreements.push(`${text} working day`);
    if (!calendar.isWorkingDay(day) !== chineseDays.isHoliday(text)) disagreements.push(`${text} rest day`);
    if ((kind === 'holiday') !== text in official.holidays) disagreements.push(`${text} holiday`);
    if ((kind === 'makeup_workday') !== text in official.workdays) disagreements.push(`${text} make-up workday`);
  }
  t.equal(days, 730);
  t.same(disagreements, []);
});

t.test('make-up workdays (调休) and holidays are named as in the official notices', async (t) => {
  const cases: [string, string, string?][] = [
    ['2025-01-26', 'makeup_workday'],
    ['2025-02-08', 'makeup_workday'],
    ['2025-01-27', 'workday'],
    ['2025-01-28', 'holiday', '春节'],
    ['2025-02-04', 'holiday', '春节'],
    ['2025-02-09', 'weekend'],
    ['2025-10-06', 'holiday', '国庆节、中秋节'],
    ['2025-10-11', 'makeup_workday'],
    ['2026-01-04', 'makeup_workday'],
    ['2026-02-23', 'holiday', '春节'],
    ['2026-09-25', 'holiday', '中秋节'],
  ];
  for (const [day, kind, name] of cases) {
    t.same(calendar.dayKind(date(day)), name ? { kind, name } : { kind }, day);
  }
  t.equal(calendar.isWorkingDay(date('2025-02-08')), true, 'a make-up Saturday is a working day');
});

t.test('years without an official schedule are refused, not guessed', async (t) => {
  for (const [day, year] of [
    ['2027-03-01', 2027],
    ['2024-12-31', 2024],
  ] as const) {
    t.throws(() => calendar.dayKind(date(day)), { code: 'CALENDAR_YEAR_UNPUBLISHED', details: { calendarId: 'cn-mainland', year } });
    try {
      calendar.isWorkingDay(Temporal.PlainDate.from(day));
    } catch (error) {
      t.ok(isCalendarYearUnpublished(error), `${day}: type guard`);
    }
  }
});
