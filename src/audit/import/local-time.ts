import { Temporal } from 'temporal-polyfill';
import { InvalidCommandError } from '../../domain/case/errors.js';
import type { RawRow, RowProblem } from './format.js';

/**
 * How an import reads times written without an offset, as most exports write them: not at all
 * (refused, the default), each record in its property's zone (`property`), or in one IANA zone.
 */
export type ImportTimeZone = 'property' | (string & {});

/** A local date and time, `T` or a space between them, seconds optional: what spreadsheets export. */
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/;

export const isLocalTime = (value: unknown): value is string => typeof value === 'string' && LOCAL_TIME.test(value.trim());

export const OFFSET_HINT =
  'give the time with its offset (2025-11-03T09:12:00+08:00), or say how to read times without one: ' +
  "timeZone=property (each record in its property's zone) or an IANA zone such as Asia/Shanghai (?timeZone= on the route, --time-zone on the CLI)";

/** The zone a batch declared, checked before any row is read: an unknown name refuses the whole import. */
export const importTimeZone = (value: string | undefined): ImportTimeZone | undefined => {
  if (value === undefined || value === '') return undefined;
  if (value === 'property') return value;
  try {
    return Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(value).timeZoneId;
  } catch {
    throw new InvalidCommandError('timeZone', `unknown time zone ${value}: give "property" or an IANA zone name such as Asia/Shanghai`);
  }
};

export type LocalTimeReading = { readonly instant: string } | { readonly code: string; readonly message: string };

/**
 * The instant a local time names in a zone, as Temporal resolves it (`resolveLocalTime`). A time the
 * zone skipped (clocks put forward) or saw twice (clocks put back) names no single instant: it is
 * refused, naming the offsets, rather than moved to a guess. A time of a day the zone changes no
 * offset near is read from the day's one offset, remembered (an import reads thousands of times a
 * day); every other time is Temporal's to resolve.
 */
export const readLocalTime = (value: string, zone: string): LocalTimeReading => {
  const text = value.trim();
  const plain = PLAIN_LOCAL_TIME.exec(text);
  const offset = plain ? steadyOffsetOn(zone, plain[1]!) : undefined;
  return offset === undefined ? resolveLocalTime(value, zone) : { instant: `${plain![1]}T${plain![2]}:${plain![3] ?? '00'}${offset}` };
};

/** A local time to the second in the usual form, its date and its hours and minutes apart. */
const PLAIN_LOCAL_TIME = /^(\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))[T ]((?:[01]\d|2[0-3]):[0-5]\d)(?::([0-5]\d))?$/;

const DAY_MS = 86_400_000;
/** Days either side of a date within which no offset may change for the date's times to be read from one offset: more than any offset is. */
const STEADY_MARGIN_DAYS = 2;
/** Zone and date → the offset in force all around that date (`+08:00`), or null when one changes near it. */
const steadyOffsets = new Map<string, string | null>();
const STEADY_OFFSETS_REMEMBERED = 20_000;

/**
 * The one offset a zone has from two days before `date` to two days after it (ISO, YYYY-MM-DD, a
 * real date), written as Temporal writes it; undefined when an offset changes within those days,
 * when the offset is not whole minutes (a zone's local mean time), or when `date` is no real date.
 * No local time of the date can then be skipped or repeated: each names exactly that offset's instant.
 */
const steadyOffsetOn = (zone: string, date: string): string | undefined => {
  const key = `${zone} ${date}`;
  let offset = steadyOffsets.get(key);
  if (offset === undefined) {
    offset = null;
    const midnight = Date.parse(`${date}T00:00:00Z`);
    // Date.parse moves 31 April on to 1 May: the date must be itself.
    if (Number.isFinite(midnight) && new Date(midnight).toISOString().startsWith(date)) {
      const from = Temporal.Instant.fromEpochMilliseconds(midnight - STEADY_MARGIN_DAYS * DAY_MS).toZonedDateTimeISO(zone);
      const change = from.getTimeZoneTransition('next');
      const steady = change === null || change.epochMilliseconds > midnight + (1 + STEADY_MARGIN_DAYS) * DAY_MS;
      if (steady && from.offsetNanoseconds % 60_000_000_000 === 0) offset = from.offset;
    }
    if (steadyOffsets.size >= STEADY_OFFSETS_REMEMBERED) steadyOffsets.clear();
    steadyOffsets.set(key, offset);
  }
  return offset ?? undefined;
};

/** The instant a local time names in a zone, resolved by Temporal: one, or refused as skipped or repeated. */
export const resolveLocalTime = (value: string, zone: string): LocalTimeReading => {
  let local: Temporal.PlainDateTime;
  try {
    local = Temporal.PlainDateTime.from(value.trim().replace(' ', 'T'));
  } catch {
    return { code: 'TIME_INVALID', message: `${value} is not a date and time` };
  }
  const earlier = local.toZonedDateTime(zone, { disambiguation: 'earlier' });
  const later = local.toZonedDateTime(zone, { disambiguation: 'later' });
  if (earlier.epochNanoseconds === later.epochNanoseconds) return { instant: earlier.toString({ timeZoneName: 'never' }) };
  if (earlier.toPlainDateTime().equals(local)) {
    return {
      code: 'TIME_AMBIGUOUS',
      message: `${value} happened twice in ${zone}, at ${earlier.offset} and at ${later.offset} (the clocks were put back): give the time with its offset`,
    };
  }
  return {
    code: 'TIME_SKIPPED',
    message: `${value} did not exist in ${zone}: the clocks went from ${earlier.offset} to ${later.offset} over it: give the time with its offset`,
  };
};

/**
 * The zone a row's times without an offset are read in, or why there is none; `unknownProperty`:
 * the zone was to be the property's, and the rules lack the property the record's rows name.
 */
export type RowZone = { readonly zone?: string; readonly why?: string; readonly unknownProperty?: string };

/** Reads a time without an offset in the row's zone; one with an offset is left to the schema. */
export const readOccurredAt = (row: number, value: unknown, zone: RowZone): { occurredAt?: string } | RowProblem => {
  if (!isLocalTime(value)) return {};
  if (!zone.zone) {
    const message = zone.why ?? `${value} has no offset: the instant it names depends on a time zone the import was not given`;
    return { row, field: 'occurredAt', code: 'TIME_WITHOUT_OFFSET', value, hint: OFFSET_HINT, message };
  }
  const reading = readLocalTime(value, zone.zone);
  return 'instant' in reading ? { occurredAt: reading.instant } : { row, field: 'occurredAt', code: reading.code, value, message: reading.message };
};

/** The property an event row names (in `fields`, or as a column of its own). */
export const propertyOfRow = (record: Record<string, unknown>): string | undefined => {
  const fields = record.fields;
  const inFields = fields !== null && typeof fields === 'object' ? (fields as Record<string, unknown>).propertyId : undefined;
  const found = inFields ?? record.propertyId;
  return typeof found === 'string' && found.trim() !== '' ? found.trim() : undefined;
};

/**
 * How each row reads a time without an offset. With `timeZone=property`, a record's zone is its
 * property's, from the rules: the property named by its rows in the file (its creating row does).
 */
export const zonesOf = (
  zoneOfProperty: (propertyId: string) => string | undefined,
  rows: readonly RawRow[],
  timeZone: string | undefined,
): ((record: Record<string, unknown>) => RowZone) => {
  if (timeZone === undefined) return () => ({});
  if (timeZone !== 'property') return () => ({ zone: timeZone });
  const records = rows.map((r) => r.value).filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v));
  const refOf = (record: Record<string, unknown>) => (typeof record.caseRef === 'string' ? record.caseRef.trim() : '');
  const properties = new Map<string, string>();
  for (const record of records) {
    const property = propertyOfRow(record);
    if (property && !properties.has(refOf(record))) properties.set(refOf(record), property);
  }
  return (record) => {
    const property = properties.get(refOf(record));
    if (!property) {
      return {
        why: `${String(record.occurredAt)} has no offset, and no row of case ${refOf(record)} in the file names its property to take the time zone from`,
      };
    }
    const zone = zoneOfProperty(property);
    return zone
      ? { zone }
      : { why: `unknown property "${property}": its time zone, in which the case's times are read, is the rules'`, unknownProperty: property };
  };
};
