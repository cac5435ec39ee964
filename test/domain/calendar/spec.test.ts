import t from 'tap';
import { calendarSpecSchema, isCalendarSpecInvalid, parseCalendarSpec, type CalendarSpecInput } from '../../../src/domain/calendar/index.js';
import { sampleSpec, shippedCalendarData } from './fixtures.js';

type Edit = (spec: CalendarSpecInput & Record<string, unknown>) => void;
const year2025 = (spec: CalendarSpecInput) => spec.years['2025'] as Record<string, unknown> & { holidays: Record<string, unknown>[]; workdays: string[] };

const invalid: [string, Edit, { path: string; message: string }][] = [
  [
    'impossible date',
    (s) => void (year2025(s).holidays[0]!.to = '2025-02-30'),
    { path: 'years.2025.holidays.0.to', message: '2025-02-30 is not a calendar date (YYYY-MM-DD)' },
  ],
  [
    'range ending before it starts',
    (s) => void (year2025(s).holidays[0]!.to = '2025-01-27'),
    { path: 'years.2025.holidays.0.to', message: '春节 ends (2025-01-27) before it starts (2025-01-28)' },
  ],
  [
    'holiday outside its year',
    (s) => void (year2025(s).holidays[0]!.from = '2024-12-31'),
    { path: 'years.2025.holidays.0.from', message: '2024-12-31 is not in 2025' },
  ],
  [
    'make-up workday outside its year',
    (s) => void (year2025(s).workdays[0] = '2026-01-04'),
    { path: 'years.2025.workdays.0', message: '2026-01-04 is not in 2025' },
  ],
  [
    'day both holiday and make-up workday',
    (s) => void year2025(s).workdays.push('2025-02-01'),
    { path: 'years.2025.workdays.2', message: '2025-02-01 is both a holiday (春节) and a make-up workday' },
  ],
  [
    'make-up workday on an ordinary weekday',
    (s) => void year2025(s).workdays.push('2025-02-05'),
    { path: 'years.2025.workdays.2', message: '2025-02-05 is already a workday, so it cannot be a make-up workday' },
  ],
  [
    'overlapping holidays',
    (s) => void year2025(s).holidays.push({ name: '元宵', from: '2025-02-04', to: '2025-02-05' }),
    { path: 'years.2025.holidays.1', message: '元宵 overlaps 春节 on 2025-02-04' },
  ],
  [
    'published year without holidays',
    (s) => void delete (year2025(s) as Partial<Record<string, unknown>>).holidays,
    { path: 'years.2025.holidays', message: 'a published year must list its holidays (write `holidays: []` for a year with none)' },
  ],
  [
    'unpublished year listing holidays',
    (s) => void (s.years['2027'] = { published: false, holidays: [] } as never),
    { path: 'years.2027', message: 'Unrecognized key: "holidays"' },
  ],
  [
    'year without published flag',
    (s) => void (s.years['2027'] = { holidays: [] } as never),
    { path: 'years.2027.published', message: 'a year needs `published: true` (with its holidays) or `published: false`' },
  ],
  [
    'year key that is not a year',
    (s) => void (s.years['25'] = { published: false }),
    { path: 'years.25', message: 'year key 25 must be a four-digit year such as 2025' },
  ],
  ['unknown time zone', (s) => void (s.timeZone = 'Asia/Beijing'), { path: 'timeZone', message: 'Asia/Beijing is not an IANA time zone' }],
  [
    'business hours ending before they start',
    (s) => void (s.businessHours = { start: '17:30', end: '08:30' }),
    { path: 'businessHours.end', message: 'businessHours.end must be later than businessHours.start' },
  ],
  [
    'business hours of zero length',
    (s) => void (s.businessHours = { start: '08:30', end: '08:30' }),
    { path: 'businessHours.end', message: 'businessHours.end must be later than businessHours.start' },
  ],
  [
    'malformed time of day',
    (s) => void (s.businessHours = { start: '8:30', end: '17:30' }),
    { path: 'businessHours.start', message: 'a time of day must be written HH:MM (00:00–23:59)' },
  ],
  ['weekday out of range', (s) => void (s.weekend = [6, 7, 0]), { path: 'weekend.2', message: 'a weekday is 1 (Monday) to 7 (Sunday)' }],
  ['weekday twice', (s) => void (s.weekend = [6, 7, 7]), { path: 'weekend', message: 'weekend lists a weekday twice' }],
  ['unknown key (typo)', (s) => void (s.weekends = [6, 7]), { path: '', message: 'Unrecognized key: "weekends"' }],
  [
    'unknown key in a holiday',
    (s) => void (year2025(s).holidays[0]!.until = '2025-02-04'),
    { path: 'years.2025.holidays.0', message: 'Unrecognized key: "until"' },
  ],
];

t.test('each kind of bad spec is reported with its path and a precise message', async (t) => {
  for (const [what, edit, expected] of invalid) {
    const spec = sampleSpec() as CalendarSpecInput & Record<string, unknown>;
    edit(spec);
    try {
      parseCalendarSpec(spec);
      t.fail(`${what}: accepted`);
    } catch (error) {
      t.ok(isCalendarSpecInvalid(error), `${what}: CalendarSpecInvalidError`);
      t.same(isCalendarSpecInvalid(error) && error.issues, [expected], what);
    }
  }
});

t.test('the shipped calendar and the sample are valid', async (t) => {
  t.equal(calendarSpecSchema.safeParse(shippedCalendarData()).success, true);
  t.equal(parseCalendarSpec(sampleSpec()).id, 'sample');
});

t.test('defaults: Asia/Shanghai, Saturday and Sunday off, no make-up workdays', async (t) => {
  const { timeZone, weekend, ...rest } = sampleSpec();
  void timeZone;
  void weekend;
  const spec = parseCalendarSpec({ ...rest, years: { '2025': { published: true, holidays: [] } } });
  t.equal(spec.timeZone, 'Asia/Shanghai');
  t.same(spec.weekend, [6, 7]);
  t.same(spec.years['2025'], { published: true, holidays: [], workdays: [] });
});
