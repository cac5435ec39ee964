import { Temporal } from 'temporal-polyfill';

/**
 * Instants as epoch numbers, without a Temporal object each time: the engine's instants are
 * Temporal.Instant#toString() of whole milliseconds or coarser ("2026-03-02T00:05:00Z"), and an
 * import's are written with an offset ("2019-01-01T08:00:00+08:00"): read and written here digit by
 * digit, many times faster (docs/performance.md). Anything else (sub-millisecond digits, another
 * form of offset, an invalid reading) goes through Temporal, so results and errors are Temporal's.
 */
const DAY_MS = 86_400_000;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const ZERO = 48;

/** Days from 1970-01-01 to a proleptic Gregorian date (Hinnant's days_from_civil). */
const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146_097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719_468;
};

/** The inverse of daysFromCivil, as [year, month, day]. */
const civilFromDays = (days: number): [number, number, number] => {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
};

/** The number written by `length` digits from `at`, or NaN. */
const digits = (text: string, at: number, length: number): number => {
  let value = 0;
  for (let i = at; i < at + length; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return value;
};

/**
 * Where the date and time of an instant end, and its offset in ms: `Z`, or `±HH:MM` (as an import
 * reads a time written with its offset); undefined for any other ending.
 */
const endingOf = (iso: string): [number, number] | undefined => {
  const { length } = iso;
  if (iso.charCodeAt(length - 1) === 90 /* Z */) return [length - 1, 0];
  const sign = iso[length - 6];
  if ((sign !== '+' && sign !== '-') || iso[length - 3] !== ':') return undefined;
  const hours = digits(iso, length - 5, 2);
  const minutes = digits(iso, length - 2, 2);
  // NaN fails the comparison.
  if (!(hours <= 23 && minutes <= 59)) return undefined;
  return [length - 6, (sign === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000];
};

/** Epoch ms of YYYY-MM-DDTHH:MM[:SS[.f{1,3}]] and Z or ±HH:MM naming a real date and time; undefined for anything else. */
const fastMillis = (iso: string): number | undefined => {
  const ending = endingOf(iso);
  if (ending === undefined) return undefined;
  const [end, offset] = ending;
  if (end < 16 || end > 23) return undefined;
  if (iso[4] !== '-' || iso[7] !== '-' || iso[10] !== 'T' || iso[13] !== ':') return undefined;
  const year = digits(iso, 0, 4);
  const month = digits(iso, 5, 2);
  const day = digits(iso, 8, 2);
  const hour = digits(iso, 11, 2);
  const minute = digits(iso, 14, 2);
  let second = 0;
  let milli = 0;
  if (end > 16) {
    if (iso[16] !== ':' || end === 20) return undefined;
    second = digits(iso, 17, 2);
    if (end > 19) {
      if (iso[19] !== '.') return undefined;
      const places = end - 20;
      milli = digits(iso, 20, places) * (places === 1 ? 100 : places === 2 ? 10 : 1);
    }
  } else if (end !== 16) return undefined;
  // NaN fails every comparison below.
  if (!(year >= 0 && month >= 1 && month <= 12 && day >= 1 && hour <= 23 && minute <= 59 && second <= 59 && milli >= 0)) return undefined;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0)) return undefined;
  return daysFromCivil(year, month, day) * DAY_MS + hour * 3_600_000 + minute * 60_000 + second * 1000 + milli - offset;
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

const pad = (value: number, length: number): string => String(value).padStart(length, '0');

/** Years 0000–9999, where Temporal writes four plain digits. */
const MIN_PLAIN_MS = -62_167_219_200_000;
const MAX_PLAIN_MS = 253_402_300_800_000;

/** 00–99, written once: an instant's text is mostly two-digit fields. */
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => pad(i, 2));

/** A millisecond fraction as Temporal writes it: without trailing zeros, none for a whole second. */
const fractionOf = (milli: number): string => {
  if (milli === 0) return '';
  if (milli % 100 === 0) return `.${milli / 100}`;
  if (milli % 10 === 0) return `.${TWO_DIGITS[milli / 10]}`;
  return `.${pad(milli, 3)}`;
};

/** Temporal.Instant.fromEpochNanoseconds(ns).toString(): the fraction only as long as it needs to be. */
export const isoOfNanos = (ns: bigint): string => {
  if (ns % NANOS_PER_MILLI === 0n) {
    const ms = Number(ns / NANOS_PER_MILLI);
    if (ms >= MIN_PLAIN_MS && ms < MAX_PLAIN_MS) {
      const days = Math.floor(ms / DAY_MS);
      const [year, month, day] = civilFromDays(days);
      const inDay = ms - days * DAY_MS;
      const hours = TWO_DIGITS[Math.floor(inDay / 3_600_000)];
      const minutes = TWO_DIGITS[Math.floor(inDay / 60_000) % 60];
      const seconds = TWO_DIGITS[Math.floor(inDay / 1000) % 60];
      return `${TWO_DIGITS[Math.floor(year / 100)]}${TWO_DIGITS[year % 100]}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T${hours}:${minutes}:${seconds}${fractionOf(inDay % 1000)}Z`;
    }
  }
  return Temporal.Instant.fromEpochNanoseconds(ns).toString();
};
