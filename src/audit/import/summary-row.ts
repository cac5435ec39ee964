import type { Temporal } from 'temporal-polyfill';
import { complexities, satisfactionLevels } from '../../domain/events/shared.js';
import { channels } from '../../domain/complaint/events.js';
import { instantSchema } from '../../domain/events/envelope.js';
import { epochNanos } from '../../domain/time/index.js';
import { importedNumberSchema } from '../../domain/record/number.js';
import { recordOf, type RecordType } from '../../domain/records.js';
import type { RowProblem } from './format.js';
import { isLocalTime, OFFSET_HINT, readLocalTime } from './local-time.js';

/** The record types a summary row may be: those whose lifecycle runs from a receipt to a close. */
export const SUMMARY_TYPES = ['complaint', 'repair', 'visit'] as const satisfies readonly RecordType[];
export type SummaryType = (typeof SUMMARY_TYPES)[number];

export const SUMMARY_REQUIRED = ['type', 'number', 'propertyId', 'unit', 'category', 'description', 'receivedAt'] as const;
/** The times of a record's steps, in the columns' order (each type takes them in its lifecycle's order: summary.ts). */
export const TIME_COLUMNS = ['receivedAt', 'acknowledgedAt', 'dispatchedAt', 'arrivedAt', 'completedAt', 'callbackAt', 'closedAt'] as const;
export type TimeColumn = (typeof TIME_COLUMNS)[number];
export const DETAIL_COLUMNS = ['channel', 'ownerName', 'ownerPhone', 'department', 'technician', 'complexity', 'satisfaction'] as const;
export type DetailColumn = (typeof DETAIL_COLUMNS)[number];
export const SUMMARY_COLUMNS: readonly string[] = [...new Set<string>([...SUMMARY_REQUIRED, ...DETAIL_COLUMNS, ...TIME_COLUMNS])];

/** A summary row read: every cell trimmed (blank cells left out), its times as instants with their offset. */
export interface SummaryRow {
  readonly row: number;
  readonly type: SummaryType;
  readonly number: string;
  /** The cells as written (trimmed), for the report. */
  readonly cells: Readonly<Record<string, string>>;
  /** Each time given, as an ISO instant with offset. */
  readonly times: Readonly<Partial<Record<TimeColumn, string>>>;
  /** Enumerations read into the engine's ids (a 满意 is `satisfied`). */
  readonly satisfaction?: (typeof satisfactionLevels)[number];
  readonly channel?: (typeof channels)[number];
  readonly complexity?: (typeof complexities)[number];
}

/** The spellings an export may use beside the engine's ids: the Chinese names the desk reads. */
const SATISFACTION_NAMES: Readonly<Record<string, (typeof satisfactionLevels)[number]>> = {
  非常满意: 'very_satisfied',
  满意: 'satisfied',
  一般: 'neutral',
  不满意: 'dissatisfied',
};
const CHANNEL_NAMES: Readonly<Record<string, (typeof channels)[number]>> = { 电话: 'phone', 来访: 'walk_in', 微信: 'wechat', 其他: 'other' };
const COMPLEXITY_NAMES: Readonly<Record<string, (typeof complexities)[number]>> = { 一般: 'general', 复杂: 'complex' };

const enumerated = <T extends string>(value: string, ids: readonly T[], names: Readonly<Record<string, T>>): T | undefined => {
  const id = value.toLowerCase();
  return (ids as readonly string[]).includes(id) ? (id as T) : names[value];
};

const choices = (ids: readonly string[], names: Readonly<Record<string, string>>) => `${ids.join(', ')} (or ${Object.keys(names).join(', ')})`;

const typeOf = (value: string): SummaryType | undefined => SUMMARY_TYPES.find((t) => t === value.toLowerCase() || recordOf(t).labels.record.zh === value);

/** How a batch reads times without an offset: in one zone, in the row's property's zone, or not at all. */
export type ZoneOfRow = (propertyId: string | undefined) => {
  readonly zone?: string;
  readonly why?: string;
  /** The zone was to be the property's, and the row names none or one the rules lack: the propertyId is what is wrong. */
  readonly propertyAtFault?: boolean;
};

const cellsOf = (value: Record<string, unknown>, row: number, problems: RowProblem[]): Record<string, string> => {
  const cells: Record<string, string> = {};
  for (const column of SUMMARY_COLUMNS) {
    const cell = value[column];
    if (cell === undefined || cell === null) continue;
    if (typeof cell !== 'string' && typeof cell !== 'number') {
      problems.push({ row, field: column, code: 'VALUE_INVALID', message: 'a text or a number', value: JSON.stringify(cell) });
      continue;
    }
    const text = String(cell).trim();
    if (text !== '') cells[column] = text;
  }
  return cells;
};

const readTime = (row: number, column: TimeColumn, value: string, zone: ReturnType<ZoneOfRow>, now: Temporal.Instant): string | RowProblem => {
  let instant: string;
  if (isLocalTime(value)) {
    if (!zone.zone) {
      const message = zone.why ?? `${value} has no offset: the instant it names depends on a time zone the import was not given`;
      return { row, field: column, code: 'TIME_WITHOUT_OFFSET', value, hint: OFFSET_HINT, message };
    }
    const reading = readLocalTime(value, zone.zone);
    if (!('instant' in reading)) return { row, field: column, code: reading.code, value, message: reading.message };
    instant = reading.instant;
  } else if (instantSchema.safeParse(value).success) instant = value;
  else return { row, field: column, code: 'TIME_INVALID', value, hint: OFFSET_HINT, message: `${value} is not a date and time` };
  if (epochNanos(instant) > now.epochNanoseconds) {
    return {
      row,
      field: column,
      code: 'TIME_IN_FUTURE',
      value,
      message: `${value} is later than the server's clock (${now.toString()}): history is in the past`,
    };
  }
  return instant;
};

/**
 * Reads one summary row: its type, number and required columns present, each time a time (an
 * offset, or the batch's zone), each enumeration one of its values. Every problem of the row is
 * reported, each naming its column and value, not only the first.
 */
export const readSummaryRow = (row: number, value: unknown, zoneOf: ZoneOfRow, now: Temporal.Instant): SummaryRow | RowProblem[] => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [{ row, field: 'row', code: 'VALUE_INVALID', message: 'a row is an object' }];
  const problems: RowProblem[] = [];
  const cells = cellsOf(value as Record<string, unknown>, row, problems);
  for (const column of SUMMARY_REQUIRED)
    if (cells[column] === undefined) problems.push({ row, field: column, code: 'VALUE_MISSING', message: `${column} is required` });
  const type = cells.type === undefined ? undefined : typeOf(cells.type);
  if (cells.type !== undefined && !type) {
    const names = SUMMARY_TYPES.map((t) => recordOf(t).labels.record.zh).join(', ');
    problems.push({ row, field: 'type', code: 'VALUE_INVALID', value: cells.type, message: `a summary row is a ${SUMMARY_TYPES.join(', ')} (or ${names})` });
  }
  if (cells.number !== undefined && !importedNumberSchema.safeParse(cells.number).success) {
    problems.push({
      row,
      field: 'number',
      code: 'VALUE_INVALID',
      value: cells.number,
      message: importedNumberSchema.safeParse(cells.number).error!.issues[0]!.message,
    });
  }
  const times: Partial<Record<TimeColumn, string>> = {};
  const zone = zoneOf(cells.propertyId);
  // A property the rules lack is reported once, on its column (a blank one is required, above), rather
  // than as a time without a zone in every local time of the row.
  if (zone.propertyAtFault && cells.propertyId !== undefined && TIME_COLUMNS.some((c) => cells[c] !== undefined && isLocalTime(cells[c]))) {
    problems.push({ row, field: 'propertyId', code: 'INVALID_COMMAND', value: cells.propertyId, message: zone.why ?? 'unknown property' });
  }
  for (const column of TIME_COLUMNS) {
    const cell = cells[column];
    if (cell === undefined) continue;
    if (zone.propertyAtFault && isLocalTime(cell)) {
      // Without the property's zone the instant is unknown, but a date that is no date is wrong in every zone.
      const anywhere = readTime(row, column, cell, { zone: 'UTC' }, now);
      if (typeof anywhere !== 'string' && anywhere.code === 'TIME_INVALID') problems.push(anywhere);
      continue;
    }
    const time = readTime(row, column, cell, zone, now);
    if (typeof time === 'string') times[column] = time;
    else problems.push(time);
  }
  const pick = <T extends string>(column: DetailColumn, ids: readonly T[], names: Readonly<Record<string, T>>): T | undefined => {
    const cell = cells[column];
    if (cell === undefined) return undefined;
    const id = enumerated(cell, ids, names);
    if (!id) problems.push({ row, field: column, code: 'VALUE_INVALID', value: cell, message: `one of ${choices(ids, names)}` });
    return id;
  };
  const satisfaction = pick('satisfaction', satisfactionLevels, SATISFACTION_NAMES);
  const channel = pick('channel', channels, CHANNEL_NAMES);
  const complexity = pick('complexity', complexities, COMPLEXITY_NAMES);
  // Each problem names its record where the row gives a number: the migrator finds it in the old system by it.
  if (problems.length > 0 || !type) return cells.number === undefined ? problems : problems.map((p) => ({ ...p, caseRef: cells.number }));
  return {
    row,
    type,
    number: cells.number!,
    cells,
    times,
    ...(satisfaction ? { satisfaction } : {}),
    ...(channel ? { channel } : {}),
    ...(complexity ? { complexity } : {}),
  };
};

/** Members of JSON summary rows no column is named by: reported, and left out like a CSV's. */
export const unknownMembers = (values: readonly unknown[]): string[] => {
  const unknown = new Set<string>();
  for (const value of values) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    for (const key of Object.keys(value)) if (!SUMMARY_COLUMNS.includes(key)) unknown.add(key);
  }
  return [...unknown];
};
