import t from 'tap';
import { isCalendarNoWorkingDay, workingDaysFrom } from '../../../src/domain/calendar/index.js';
import { calendarFrom, date, sampleSpec } from './fixtures.js';

t.test('day kinds follow the spec: listed days first, then the weekend', async (t) => {
  const calendar = calendarFrom(sampleSpec());
  const cases: [string, string, boolean][] = [
    ['2025-01-24', 'workday', true],
    ['2025-01-25', 'weekend', false],
    ['2025-01-26', 'makeup_workday', true],
    ['2025-01-31', 'holiday', false],
    ['2025-02-08', 'makeup_workday', true],
  ];
  for (const [day, kind, working] of cases) {
    t.equal(calendar.dayKind(date(day)).kind, kind, day);
    t.equal(calendar.isWorkingDay(date(day)), working, `${day} working`);
  }
  t.same(calendar.dayKind(date('2025-01-31')), { kind: 'holiday', name: '春节' });
});

t.test('a calendar with another weekend (Friday and Saturday)', async (t) => {
  const calendar = calendarFrom({ ...sampleSpec(), weekend: [5, 6], years: { '2025': { published: true, holidays: [] } } });
  t.same(
    ['2025-03-06', '2025-03-07', '2025-03-08', '2025-03-09'].map((day) => calendar.dayKind(date(day)).kind),
    ['workday', 'weekend', 'weekend', 'workday'],
  );
});

t.test('a calendar without any working day stops the search with a clear error', async (t) => {
  const calendar = calendarFrom({
    ...sampleSpec(),
    weekend: [1, 2, 3, 4, 5, 6, 7],
    years: { '2025': { published: true, holidays: [] }, '2026': { published: true, holidays: [] } },
  });
  t.throws(() => workingDaysFrom(calendar, date('2025-01-01')).next(), {
    code: 'CALENDAR_NO_WORKING_DAY',
    details: { calendarId: 'sample', after: '2024-12-31', searchedDays: 366 },
  });
  try {
    workingDaysFrom(calendar, date('2025-01-01')).next();
  } catch (error) {
    t.ok(isCalendarNoWorkingDay(error));
  }
});

t.test('the search for working days runs into an unpublished year instead of guessing', async (t) => {
  const calendar = calendarFrom(sampleSpec());
  const days = workingDaysFrom(calendar, date('2025-12-30'));
  t.same([days.next().value?.toString(), days.next().value?.toString()], ['2025-12-30', '2025-12-31']);
  t.throws(() => days.next(), { code: 'CALENDAR_YEAR_UNPUBLISHED', details: { year: 2026 } });
});
