import t from 'tap';
import { readLocalTime, resolveLocalTime } from '../../src/audit/import/local-time.js';

const two = (n: number) => String(n).padStart(2, '0');
const MINUTE = 60_000;

/** Zones whose clocks change (forwards, back, by half an hour, at midnight), one that never did lately, and UTC. */
const ZONES = ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Shanghai', 'UTC', 'Pacific/Apia'];

t.test('a local time reads as Temporal resolves it, on the days the clocks change and the days around them', async (t) => {
  let compared = 0;
  for (const zone of ZONES) {
    for (const year of [1986, 2011, 2019, 2024]) {
      // Every 13 minutes through the year: each day the clocks change is crossed, and most days are steady.
      for (let at = Date.UTC(year, 0, 1); at < Date.UTC(year + 1, 0, 1); at += 13 * MINUTE * 7) {
        const d = new Date(at);
        const text = `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
        const fast = readLocalTime(text, zone);
        const slow = resolveLocalTime(text, zone);
        if (JSON.stringify(fast) !== JSON.stringify(slow)) t.same(fast, slow, `${text} in ${zone}`);
        compared += 1;
      }
    }
  }
  t.ok(compared > 100_000, `${compared} times compared`);
});

t.test('the hours the clocks skip or repeat are refused, with seconds written or not', async (t) => {
  for (const text of ['2019-03-10 02:30', '2019-03-10T02:30:15', '2019-11-03 01:30', '2019-11-03 01:30:59', '2019-03-10 01:59:59', '2019-03-10 03:00']) {
    t.same(readLocalTime(text, 'America/New_York'), resolveLocalTime(text, 'America/New_York'), text);
  }
  t.match(readLocalTime('2019-03-10 02:30', 'America/New_York'), { code: 'TIME_SKIPPED' });
  t.match(readLocalTime('2019-11-03 01:30', 'America/New_York'), { code: 'TIME_AMBIGUOUS' });
  t.same(readLocalTime('2019-03-09 02:30', 'America/New_York'), { instant: '2019-03-09T02:30:00-05:00' });
  t.same(readLocalTime('2019-01-01 08:00:05', 'Asia/Shanghai'), { instant: '2019-01-01T08:00:05+08:00' });
});

t.test('times that are no real time, or a zone keeps a local mean time, are left to Temporal', async (t) => {
  for (const text of [
    '2019-02-29 08:00',
    '2019-04-31 08:00',
    '2019-13-01 08:00',
    '2019-01-01 24:00',
    '2019-01-01 08:00:60',
    '2019-01-01 08:00:00.5',
    ' 2019-01-01 08:00 ',
  ]) {
    t.same(readLocalTime(text, 'Asia/Shanghai'), resolveLocalTime(text, 'Asia/Shanghai'), text);
  }
  t.same(readLocalTime('1890-06-01 12:00', 'Asia/Shanghai'), resolveLocalTime('1890-06-01 12:00', 'Asia/Shanghai'), 'local mean time');
  t.match(readLocalTime('2019-02-29 08:00', 'Asia/Shanghai'), { code: 'TIME_INVALID' });
});
