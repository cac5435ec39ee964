/**
 * An import row read: a file's row (readRow: the schema, times read in their zone, bidi controls and
 * replacement characters refused) or a row the engine built from a summary row it checked
 * (readBuiltRow: the same checks, without the schema where they hold).
 */
import { z } from 'zod';
import { bidiControlMessage, findBidiControl } from '../../domain/events/bidi.js';
import { instantSchema, roleSchema, type Role } from '../../domain/events/envelope.js';
import { importedNumberSchema } from '../../domain/record/number.js';
import { recordTypeSchema, type RecordType } from '../../domain/records.js';
import { findReplacementCharacter, REPLACEMENT_CHARACTER_MESSAGE } from './encoding.js';
import type { RawRow, RowProblem } from './format.js';
import { isLocalTime, OFFSET_HINT, propertyOfRow, readOccurredAt, type RowZone } from './local-time.js';

const KNOWN = ['caseRef', 'caseType', 'action', 'occurredAt', 'actor', 'role', 'number', 'fields'] as const;

export const importRowSchema = z.object({
  caseRef: z.string().trim().min(1).max(200),
  caseType: recordTypeSchema,
  action: z.string().trim().min(1),
  occurredAt: instantSchema,
  actor: z.string().trim().min(1).max(200),
  role: roleSchema,
  /** The record's number in the old system, on its creating row: the creating event records it. */
  number: importedNumberSchema.optional(),
  fields: z.record(z.string(), z.unknown()).default({}),
});
export type ImportRow = z.infer<typeof importRowSchema> & { readonly row: number };

/** A row not read because another row of its case is refused for what they share: held back with the case. */
export interface HeldBackRow {
  readonly row: number;
  readonly heldBack: string;
}

/**
 * A case whose times were to be read in its property's zone, and whose property the rules lack: the
 * row naming the property is refused on it, once; the case's other rows with local times are held
 * back with it (their instants unknown), but a date that is no date in any zone is still refused.
 */
const unknownPropertyOf = (raw: RawRow, record: Record<string, unknown>, zone: RowZone): RowProblem | HeldBackRow | undefined => {
  const property = zone.unknownProperty;
  if (property === undefined) return undefined;
  if (propertyOfRow(record) === property)
    return { row: raw.row, field: 'fields.propertyId', code: 'INVALID_COMMAND', value: property, message: zone.why ?? `unknown property "${property}"` };
  if (!isLocalTime(record.occurredAt)) return undefined;
  const anywhere = readOccurredAt(raw.row, record.occurredAt, { zone: 'UTC' });
  if ('message' in anywhere && anywhere.code === 'TIME_INVALID') return anywhere;
  return { row: raw.row, heldBack: `its case's property ${property} is not in the rules: its times cannot be read` };
};

/** Members beside the known columns are the action's fields, as are those under `fields`. */
export const readRow = (raw: RawRow, zoneOf: (record: Record<string, unknown>) => RowZone): ImportRow | RowProblem | HeldBackRow => {
  const value = raw.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { row: raw.row, field: 'row', code: 'VALUE_INVALID', message: 'a row is an object' };
  const record = value as Record<string, unknown>;
  const zone = zoneOf(record);
  const unknown = unknownPropertyOf(raw, record, zone);
  if (unknown) return unknown;
  const time = readOccurredAt(raw.row, record.occurredAt, isLocalTime(record.occurredAt) ? zone : {});
  if ('message' in time) return time;
  const inline = Object.fromEntries(Object.entries(record).filter(([k]) => !(KNOWN as readonly string[]).includes(k)));
  // An empty number (a CSV cell left blank) is none; leaving the key out keeps the row's command ids those of a file without the column.
  const { number, ...rest } = record;
  const given = number === undefined || number === null || number === '' ? {} : { number: typeof number === 'string' ? number.trim() : number };
  const candidate = { ...rest, ...given, ...time, fields: { ...inline, ...(record.fields as object | undefined) } };
  const disguised = findBidiControl(candidate);
  if (disguised) return { row: raw.row, field: disguised.field, code: 'VALUE_INVALID', message: bidiControlMessage(disguised) };
  const damaged = findReplacementCharacter(candidate);
  if (damaged) return { row: raw.row, field: damaged, code: 'INVALID_ENCODING', message: REPLACEMENT_CHARACTER_MESSAGE };
  const parsed = importRowSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.') || 'row';
    // A time the schema refuses is shown as written, with what it should look like.
    const shown = field === 'occurredAt' ? { value: String(record.occurredAt ?? ''), hint: OFFSET_HINT } : {};
    return { row: raw.row, field, code: field === 'occurredAt' ? 'TIME_INVALID' : 'VALUE_INVALID', message: issue.message, ...shown };
  }
  return { ...parsed.data, row: raw.row };
};

/**
 * A row the engine built from a summary row it has checked (summary.ts): its type, action, role and
 * number checked there, its time an instant already, nothing beside the known columns. Read without
 * the schema where what readRow would check holds — the time an instant, no bidi control or
 * replacement character, an actor of 1 to 200 characters as written — and by readRow otherwise, so
 * a built row is refused exactly as readRow refuses it.
 */
export const readBuiltRow = (raw: RawRow, zoneOf: (record: Record<string, unknown>) => RowZone): ImportRow | RowProblem | HeldBackRow => {
  if (raw.value === null || typeof raw.value !== 'object' || Array.isArray(raw.value)) return readRow(raw, zoneOf);
  const value = raw.value as Record<string, unknown>;
  const { caseRef, caseType, action, actor, role, number, fields } = value;
  const occurredAt: unknown = value.occurredAt;
  const known =
    Object.keys(value).every((key) => (KNOWN as readonly string[]).includes(key)) &&
    typeof caseRef === 'string' &&
    caseRef !== '' &&
    caseRef.length <= 200 &&
    caseRef === caseRef.trim() &&
    typeof actor === 'string' &&
    actor !== '' &&
    actor.length <= 200 &&
    actor === actor.trim() &&
    typeof action === 'string' &&
    action !== '' &&
    action === action.trim() &&
    recordTypeSchema.options.includes(caseType as RecordType) &&
    roleSchema.options.includes(role as Role) &&
    (number === undefined || (typeof number === 'string' && importedNumberSchema.safeParse(number).success)) &&
    fields !== null &&
    typeof fields === 'object' &&
    !Array.isArray(fields) &&
    typeof occurredAt === 'string' &&
    !isLocalTime(occurredAt) &&
    instantSchema.safeParse(occurredAt).success;
  if (!known) return readRow(raw, zoneOf);
  // Written out, the row's number among them: a spread copy that gains keys is slow in V8 (docs/performance.md).
  const own = { ...fields };
  const read =
    number === undefined
      ? { caseRef, caseType, action, occurredAt, actor, role, fields: own, row: raw.row }
      : { caseRef, caseType, action, occurredAt, actor, role, number, fields: own, row: raw.row };
  if (findBidiControl(read) || findReplacementCharacter(read)) return readRow(raw, zoneOf);
  return read as ImportRow;
};
