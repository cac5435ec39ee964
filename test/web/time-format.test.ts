import t from 'tap';

// The page's own modules (plain ES modules, no types): loaded as the browser loads them.
const time = await import(new URL('../../web/time.js', import.meta.url).href);
const { translator } = await import(new URL('../../web/i18n.js', import.meta.url).href);
const zh = translator('zh', null, null, null);
const en = translator('en', null, null, null);
const SHANGHAI = 'Asia/Shanghai';

t.test('a deadline at local midnight is the end of the day before: 24:00, in either language', async (t) => {
  // 2026-11-28 00:00 in Shanghai, where a working-day deadline ending 11-27 falls.
  t.equal(time.formatDeadline('2026-11-27T16:00:00Z', zh, SHANGHAI), '2026-11-27 24:00');
  t.equal(time.formatDeadline('2026-11-27T16:00:00Z', en, SHANGHAI), '2026-11-27 24:00');
  t.equal(time.formatDeadline('2026-12-31T16:00:00Z', zh, SHANGHAI), '2026-12-31 24:00', 'across a year');
  t.equal(time.formatDeadline('2026-03-02T03:00:00Z', zh, SHANGHAI), '2026-03-02 11:00', 'any other time as it is');
  t.equal(time.formatDeadline('2026-11-27T16:00:30Z', zh, SHANGHAI), '2026-11-28 00:00', 'only the exact midnight is the day before');
  t.equal(time.formatDeadline(null, zh, SHANGHAI), '—');
});

t.test('a clock length in hours, minutes only under an hour', async (t) => {
  t.equal(time.formatClockLength(1440, zh), '24 小时');
  t.equal(time.formatClockLength(4320, zh), '72 小时');
  t.equal(time.formatClockLength(30, zh), '30 分钟');
  t.equal(time.formatClockLength(90, zh), '1 小时 30 分钟');
  t.equal(time.formatClockLength(1440, en), '24 h');
  t.equal(time.formatClockLength(45, en), '45 min');
});

t.test('months are named in the page language', async (t) => {
  t.equal(zh.month('2026-12'), '2026年12月');
  t.equal(en.month('2026-12'), 'Dec 2026');
  t.equal(zh.t('agreement.titleOf', { month: zh.month('2026-11') }), '2026年11月目标完成情况');
});

t.test('the messages of both languages have the same keys', async (t) => {
  const { zh: zhMessages } = await import(new URL('../../web/messages-zh.js', import.meta.url).href);
  const { en: enMessages } = await import(new URL('../../web/messages-en.js', import.meta.url).href);
  t.same(Object.keys(enMessages).sort(), Object.keys(zhMessages).sort());
});
