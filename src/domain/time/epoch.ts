import { Temporal } from 'temporal-polyfill';

/**
 * Instants as epoch numbers, without a Temporal object each time: the engine's instants are
 * Temporal.Instant#toString() of whole milliseconds or coarser ("2026-03-02T00:05:00Z"), which
 * Date.parse reads exactly and about a hundred times faster. Anything else (sub-millisecond digits,
 * an offset, an invalid reading) goes through Temporal, so results and errors are Temporal's.
 */
const PLAIN_UTC = /^(\d{4})-(\d\d)-(\d\d)T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,3})?)?Z$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Date.parse rolls 2026-02-30 over into March where Temporal refuses it: only real dates take the fast path. */
const isRealDate = (year: number, month: number, day: number): boolean => {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0);
};

const fastMillis = (iso: string): number | undefined => {
  const match = PLAIN_UTC.exec(iso);
  if (!match || !isRealDate(Number(match[1]), Number(match[2]), Number(match[3]))) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
};

export const NANOS_PER_MILLI = 1_000_000n;

/** Temporal.Instant.from(iso).epochNanoseconds. */
export const epochNanos = (iso: string): bigint => {
  const ms = fastMillis(iso);
  return ms === undefined ? Temporal.Instant.from(iso).epochNanoseconds : BigInt(ms) * NANOS_PER_MILLI;
};

/** Temporal.Instant.from(iso).epochMilliseconds. */
export const epochMillis = (iso: string): number => fastMillis(iso) ?? Temporal.Instant.from(iso).epochMilliseconds;

/** Epoch milliseconds of an instant in nanoseconds, rounded down as Temporal's epochMilliseconds is. */
export const floorMillis = (ns: bigint): number => {
  const q = ns / NANOS_PER_MILLI;
  return Number(ns < 0n && q * NANOS_PER_MILLI !== ns ? q - 1n : q);
};

/** Years 0000–9999, where Date#toISOString and Temporal write the same digits. */
const MIN_PLAIN_MS = -62_167_219_200_000;
const MAX_PLAIN_MS = 253_402_300_800_000;

/** Temporal.Instant.fromEpochNanoseconds(ns).toString(): the fraction only as long as it needs to be. */
export const isoOfNanos = (ns: bigint): string => {
  if (ns % NANOS_PER_MILLI === 0n) {
    const ms = Number(ns / NANOS_PER_MILLI);
    if (ms >= MIN_PLAIN_MS && ms < MAX_PLAIN_MS) {
      const iso = new Date(ms).toISOString();
      const fraction = ms % 1000;
      if (fraction === 0) return `${iso.slice(0, 19)}Z`;
      return `${iso.slice(0, 20)}${iso.slice(20, 23).replace(/0+$/, '')}Z`;
    }
  }
  return Temporal.Instant.fromEpochNanoseconds(ns).toString();
};
