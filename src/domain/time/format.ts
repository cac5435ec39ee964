import { Temporal } from 'temporal-polyfill';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

export const formatDay = (date: Temporal.PlainDate): string => `${date} (${WEEKDAYS[date.dayOfWeek - 1]})`;

/** "2025-01-27 23:59 +08:00 (Mon)": the local reading an auditor checks against the case file. */
export function formatInstant(epochNanoseconds: bigint, timeZone: string): string {
  const local = Temporal.Instant.fromEpochNanoseconds(epochNanoseconds).toZonedDateTimeISO(timeZone);
  const time = local.toPlainTime();
  const clock = time.toString({ smallestUnit: time.second === 0 && time.millisecond === 0 ? 'minute' : 'second' });
  return `${local.toPlainDate()} ${clock} ${local.offset} (${WEEKDAYS[local.dayOfWeek - 1]})`;
}

/** "26h 10m", with seconds only when there are any. */
export function formatLength(nanoseconds: bigint): string {
  const seconds = Number(nanoseconds / 1_000_000_000n);
  const text = `${Math.floor(seconds / 3600)}h ${Math.floor(seconds / 60) % 60}m`;
  return seconds % 60 === 0 ? text : `${text} ${seconds % 60}s`;
}
