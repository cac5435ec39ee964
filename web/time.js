// Time on the page: the server's clock (which may be a manual clock in tests), a one-second
// ticker for countdowns, and formatting in the property's time zone.
import { useEffect, useState } from 'preact/hooks';

let offset = 0;
/** Aligns the page's clock with the server's: called with each dashboard's `asOf`. */
export const syncServerTime = (asOf) => {
  const at = Date.parse(asOf);
  if (!Number.isNaN(at)) offset = at - Date.now();
};
export const serverNow = () => Date.now() + offset;

const listeners = new Set();
let ticker;
const tick = () => {
  for (const listener of listeners) listener();
};

/** The server's now, updated every second: one shared interval for every countdown on the page. */
export const useServerNow = () => {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const listener = () => setNow(serverNow());
    listeners.add(listener);
    if (!ticker) ticker = setInterval(tick, 1000);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) {
        clearInterval(ticker);
        ticker = undefined;
      }
    };
  }, []);
  return now;
};

const formatters = new Map();
const formatter = (timeZone) => {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  return format;
};

/**
 * An instant as local date and time in the property's zone, "2026-03-02 11:00" in either language
 * (unambiguous, unlike 02/03/2026).
 */
export const formatInstant = (iso, _i18n, timeZone, seconds = false) => {
  if (!iso) return '—';
  const p = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(iso))
      .map((part) => [part.type, part.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${seconds ? `:${p.second}` : ''}`;
};

/** A duration like "1小时 05分 09秒" / "1h 05m 09s"; days when long. */
export const formatDuration = (ms, i18n) => {
  const u = i18n.t('unit');
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const pad = (n) => String(n).padStart(2, '0');
  const sep = i18n.lang === 'zh' ? '' : ' ';
  if (d > 0) return `${d}${u.d}${sep}${h}${u.h}${sep}${pad(m)}${u.m}`;
  if (h > 0) return `${h}${u.h}${sep}${pad(m)}${u.m}${sep}${pad(s)}${u.s}`;
  return `${m}${u.m}${sep}${pad(s)}${u.s}`;
};

/**
 * A deadline in the property's zone. One at local midnight is the end of the day before, shown as
 * "2026-11-27 24:00": a working-day deadline ends its last day, and "11-28 00:00" reads as a day late.
 */
export const formatDeadline = (iso, i18n, timeZone) => {
  if (!iso) return '—';
  const shown = formatInstant(iso, i18n, timeZone, true);
  if (!shown.endsWith(' 00:00:00')) return shown.slice(0, -3);
  const dayBefore = formatInstant(new Date(Date.parse(iso) - 12 * 3_600_000).toISOString(), i18n, timeZone);
  return `${dayBefore.slice(0, 10)} 24:00`;
};

/**
 * A clock's length in the units people count it in: "24 小时" / "24 h" rather than 1440 minutes,
 * minutes only under an hour ("1 小时 30 分钟"), working days as days.
 */
export const formatClockLength = (minutes, i18n) => {
  const t = i18n.t;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return t('length.minutes', { minutes: m });
  if (m === 0) return t('length.hours', { hours: h });
  return t('length.hoursMinutes', { hours: h, minutes: m });
};
