import t from 'tap';
import { explainDeadline } from '../../../src/domain/time/index.js';
import { at, shippedCalendar } from '../calendar/fixtures.js';

const calendar = shippedCalendar();

t.test('a working-day deadline over the Spring Festival, step by step', async (t) => {
  const pauses = [
    { start: at('2025-02-05T10:00'), end: at('2025-02-05T12:10'), reason: 'owner_absent' },
    { start: at('2025-02-06T00:00'), end: at('2025-02-07T00:00'), reason: 'owner_absent' },
  ];
  t.same(explainDeadline(calendar, { kind: 'working_days', days: 3 }, at('2025-01-27T23:59'), pauses, at('2025-02-07T09:00')), [
    'clock: 3 working days, calendar cn-mainland (Asia/Shanghai)',
    'started 2025-01-27 23:59 +08:00 (Mon)',
    '2025-01-28 (Tue)..2025-02-04 (Tue): 春节, skipped',
    '2025-02-05 (Wed): working day 1',
    '2025-02-06 (Thu): working day fully paused, not counted',
    '2025-02-07 (Fri): working day 2',
    '2025-02-08 (Sat) make-up workday: working day 3',
    'paused 2025-02-05 10:00 +08:00 (Wed) → 2025-02-05 12:10 +08:00 (Wed) (owner_absent)',
    'paused 2025-02-06 00:00 +08:00 (Thu) → 2025-02-07 00:00 +08:00 (Fri) (owner_absent)',
    'due 2025-02-09 00:00 +08:00 (Sun)',
  ]);
});

t.test('an elapsed repair clock with an open pause', async (t) => {
  const pauses = [
    { start: at('2025-04-03T18:00'), end: at('2025-04-03T19:00'), reason: 'waiting_parts' },
    { start: at('2025-04-03T18:30'), end: at('2025-04-03T20:10'), reason: 'owner_absent' },
    { start: at('2025-04-04T09:00'), reason: 'owner_quote_pending' },
  ];
  t.same(explainDeadline(calendar, { kind: 'elapsed', minutes: 1440 }, at('2025-04-03T16:00'), pauses, at('2025-04-04T10:30')), [
    'clock: 1440 minutes elapsed, calendar cn-mainland (Asia/Shanghai)',
    'started 2025-04-03 16:00 +08:00 (Thu)',
    'paused 2025-04-03 18:00 +08:00 (Thu) → 2025-04-03 20:10 +08:00 (Thu) (waiting_parts, owner_absent): 2h 10m excluded',
    'paused 2025-04-04 09:00 +08:00 (Fri) → still open at 2025-04-04 10:30 +08:00 (Fri) (owner_quote_pending): 1h 30m excluded',
    'due 2025-04-04 19:40 +08:00 (Fri)',
    'paused now: the deadline moves later for as long as the pause lasts',
  ]);
});

t.test('business hours over a weekend, with a pause', async (t) => {
  const pauses = [{ start: at('2025-03-07T17:00'), end: at('2025-03-10T09:00') }];
  t.same(explainDeadline(calendar, { kind: 'business_hours', minutes: 120 }, at('2025-03-07T16:00'), pauses, at('2025-03-10T09:00')), [
    'clock: 120 business-hour minutes, calendar cn-mainland (Asia/Shanghai)',
    'started 2025-03-07 16:00 +08:00 (Fri)',
    '2025-03-07 (Fri): 1h 0m counted',
    '2025-03-08 (Sat)..2025-03-09 (Sun): weekend, skipped',
    '2025-03-10 (Mon): 1h 0m counted',
    'paused 2025-03-07 17:00 +08:00 (Fri) → 2025-03-10 09:00 +08:00 (Mon): 1h 0m excluded',
    'due 2025-03-10 10:00 +08:00 (Mon)',
  ]);
});
