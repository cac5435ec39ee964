import { InvalidCommandError } from '../../domain/case/errors.js';
import { decodeLines, importEncoding, invalidBytesMessage, type ImportEncoding, type InvalidBytes } from './encoding.js';

export type ImportFormat = 'csv' | 'jsonl' | 'json';

/** One record of an import file before validation: its 1-based row number and its members. */
export interface RawRow {
  readonly row: number;
  readonly value: unknown;
}

export interface RowProblem {
  readonly row: number;
  readonly field: string;
  readonly message: string;
  /** The row's case, when it could be read: the whole case is then held back. */
  readonly caseRef?: string;
  readonly code?: string;
  /** The value refused, as the file holds it (the bytes, in hex, for an encoding problem). */
  readonly value?: string;
  /** What the migrator can do about it. */
  readonly hint?: string;
  /** For bytes invalid in the declared encoding: where they start, counted from the file's first byte. */
  readonly byteOffset?: number;
}

/**
 * What the migrator should know of an import that went ahead: columns not read, details a record
 * type does not keep, rows repeated. Each names its columns and rows.
 */
export interface ImportWarning {
  readonly code: 'UNKNOWN_COLUMNS' | 'COLUMN_NOT_KEPT' | 'DUPLICATE_ROW';
  readonly message: string;
  readonly columns?: readonly string[];
  readonly rows?: readonly number[];
}

export const CSV_COLUMNS = ['caseRef', 'caseType', 'action', 'occurredAt', 'actor', 'role', 'fields'] as const;
/** Columns a CSV may leave out: `number`, the old system's number of a record, on its creating row. */
const OPTIONAL_COLUMNS: ReadonlySet<string> = new Set(['fields', 'number']);

/** The shape of an import's rows: one row per event (the default), or one row per record (summary.ts). */
export type ImportShape = 'events' | 'summary';

/** What a CSV header of a shape must hold and may hold; other columns are unknown (reported, not read). */
export interface CsvColumns {
  readonly required: readonly string[];
  readonly known: ReadonlySet<string>;
  /** The column naming the row's record, to hold the record back when its row cannot be read. */
  readonly ref: string;
  /** Whether a `fields` column holds JSON (the event rows' action fields). */
  readonly jsonFields: boolean;
}

export const EVENT_CSV_COLUMNS: CsvColumns = {
  required: CSV_COLUMNS.filter((c) => !OPTIONAL_COLUMNS.has(c)),
  known: new Set([...CSV_COLUMNS, ...OPTIONAL_COLUMNS]),
  ref: 'caseRef',
  jsonFields: true,
};

/** An import's rows, and what could not be read: rows refused, and columns no row shape knows. */
export interface ParsedImport {
  readonly rows: RawRow[];
  readonly problems: RowProblem[];
  /** Header columns of a CSV that its shape does not know: left out of every row. */
  readonly unknownColumns?: readonly string[];
}

/** Guesses the format from the text: a JSON array, one JSON object per line, or CSV with a header. */
export const detectFormat = (text: string): ImportFormat => {
  const start = text.trimStart();
  if (start.startsWith('[')) return 'json';
  if (start.startsWith('{')) return 'jsonl';
  return 'csv';
};

interface CsvRecord {
  readonly cells: string[];
  /** The 1-based lines (cut at line feeds) the record spans: a quoted cell may hold line breaks. */
  readonly firstLine: number;
  readonly lastLine: number;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/**
 * RFC 4180 records: quoted cells may hold commas, doubled quotes and line breaks. A quote opens a
 * quoted part only where its cell is still empty; elsewhere it is a character of the cell. Cells
 * are taken from the text a run at a time (up to the next separator, or quote when quoted), not a
 * character at a time: the import reads every row twice.
 */
const csvRecordLines = (text: string): CsvRecord[] => {
  const records: CsvRecord[] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let firstLine = 1;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const ch = text.charCodeAt(i);
    if (quoted) {
      if (ch === QUOTE && text.charCodeAt(i + 1) === QUOTE) {
        cell += '"';
        i++;
      } else if (ch === QUOTE) quoted = false;
      else {
        let end = i;
        for (; end < length && text.charCodeAt(end) !== QUOTE; end++) if (text.charCodeAt(end) === LF) line++;
        cell += text.slice(i, end);
        i = end - 1;
      }
    } else if (ch === QUOTE && cell === '') quoted = true;
    else if (ch === COMMA) {
      record.push(cell);
      cell = '';
    } else if (ch === LF || ch === CR) {
      if (ch === CR && text.charCodeAt(i + 1) === LF) i++;
      record.push(cell);
      records.push({ cells: record, firstLine, lastLine: line });
      if (text.charCodeAt(i) === LF) line++;
      firstLine = line;
      record = [];
      cell = '';
    } else {
      let end = i + 1;
      for (; end < length; end++) {
        const next = text.charCodeAt(end);
        if (next === COMMA || next === LF || next === CR) break;
      }
      cell += text.slice(i, end);
      i = end - 1;
    }
  }
  if (cell !== '' || record.length > 0) records.push({ cells: [...record, cell], firstLine, lastLine: line });
  return records.filter((r) => !(r.cells.length === 1 && r.cells[0] === ''));
};

export const csvRecords = (text: string): string[][] => csvRecordLines(text).map((r) => r.cells);

/** Bytes invalid in the file's encoding, by line, and the encoding they were read in. */
interface Undecodable {
  readonly encoding: ImportEncoding;
  readonly byLine: ReadonlyMap<number, InvalidBytes>;
}

const encodingProblem = (row: number, at: InvalidBytes, undecodable: Undecodable, caseRef?: string): RowProblem => ({
  row,
  field: 'row',
  code: 'INVALID_ENCODING',
  message: invalidBytesMessage(undecodable.encoding, at),
  value: at.bytes,
  byteOffset: at.byteOffset,
  // A case reference read from damaged bytes is not one: the case is held back only when it is clean.
  ...(caseRef !== undefined && caseRef !== '' && !caseRef.includes('\uFFFD') ? { caseRef } : {}),
});

const firstInvalid = (undecodable: Undecodable | undefined, from: number, to: number): InvalidBytes | undefined => {
  if (!undecodable) return undefined;
  for (let line = from; line <= to; line++) {
    const at = undecodable.byLine.get(line);
    if (at) return at;
  }
  return undefined;
};

/**
 * One data record of a table — a CSV's, or a worksheet's (xlsx.ts) — as strings: its row number,
 * its cells in the header's order, and, when its bytes or cells cannot be read, the problem that
 * refuses it (given the row's record reference, so that its record is held back).
 */
export interface TableRecord {
  readonly row: number;
  readonly cells: readonly string[];
  readonly refused?: (caseRef: string) => RowProblem;
}

const parseCsv = (text: string, undecodable?: Undecodable, shape: CsvColumns = EVENT_CSV_COLUMNS): ParsedImport => {
  const [header, ...records] = csvRecordLines(text.replace(/^\uFEFF/, ''));
  const badHeader = header && firstInvalid(undecodable, header.firstLine, header.lastLine);
  if (badHeader) throw new InvalidCommandError('body', `the CSV header: ${invalidBytesMessage(undecodable!.encoding, badHeader)}`);
  return tableRows(
    header?.cells ?? [],
    records.map(({ cells, firstLine, lastLine }, i): TableRecord => {
      const invalid = firstInvalid(undecodable, firstLine, lastLine);
      return invalid ? { row: i + 1, cells, refused: (caseRef) => encodingProblem(i + 1, invalid, undecodable!, caseRef) } : { row: i + 1, cells };
    }),
    shape,
  );
};

/**
 * The rows of a table (a CSV, a worksheet) whose header names the shape's columns: for event rows
 * each record one event, `fields` a JSON cell; for the summary, each record one record.
 */
export const tableRows = (header: readonly string[], records: Iterable<TableRecord>, shape: CsvColumns = EVENT_CSV_COLUMNS): ParsedImport => {
  const columns = header.map((c) => c.trim());
  const missing = shape.required.filter((c) => !columns.includes(c));
  if (missing.length > 0) throw new InvalidCommandError('body', `the header lacks ${missing.join(', ')}; expected ${shape.required.join(',')}`);
  // A column the shape does not know is left out of every row (and reported), not read as one of the row's fields.
  const unknownColumns = columns.filter((c) => !shape.known.has(c) && c !== '');
  const rows: RawRow[] = [];
  const problems: RowProblem[] = [];
  for (const { row, cells, refused } of records) {
    const value: Record<string, unknown> = {};
    for (let j = 0; j < columns.length; j++) if (shape.known.has(columns[j]!)) value[columns[j]!] = cells[j] ?? '';
    if (refused) {
      problems.push(refused(String(value[shape.ref] ?? '').trim()));
      continue;
    }
    if (!shape.jsonFields) {
      rows.push({ row, value });
      continue;
    }
    const fields = String(value.fields ?? '').trim();
    try {
      value.fields = fields === '' ? {} : JSON.parse(fields);
      rows.push({ row, value });
    } catch (error) {
      problems.push({
        row,
        field: 'fields',
        code: 'VALUE_INVALID',
        message: `not valid JSON: ${(error as Error).message}`,
        caseRef: String(value.caseRef ?? '').trim(),
      });
    }
  }
  return { rows, problems, unknownColumns };
};

const parseJsonl = (text: string, undecodable?: Undecodable): { rows: RawRow[]; problems: RowProblem[] } => {
  const rows: RawRow[] = [];
  const problems: RowProblem[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const invalid = firstInvalid(undecodable, i + 1, i + 1);
    if (invalid) {
      const caseRef = /"caseRef"\s*:\s*"([^"\\]*)"/.exec(line)?.[1]?.trim();
      problems.push(encodingProblem(i + 1, invalid, undecodable!, caseRef));
      return;
    }
    if (line.trim() === '') return;
    try {
      rows.push({ row: i + 1, value: JSON.parse(line) });
    } catch (error) {
      problems.push({ row: i + 1, field: 'row', code: 'VALUE_INVALID', message: `not valid JSON: ${(error as Error).message}` });
    }
  });
  return { rows, problems };
};

/** Splits an import body into rows; a row that cannot be read at all is a problem, not a failure of the whole file. */
export const parseImport = (body: string | unknown[], format?: ImportFormat, columns?: CsvColumns): ParsedImport & { format: ImportFormat } => {
  if (Array.isArray(body)) return { format: 'json', rows: body.map((value, i) => ({ row: i + 1, value })), problems: [] };
  const chosen = format ?? detectFormat(body);
  if (chosen === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      throw new InvalidCommandError('body', `not a JSON array: ${(error as Error).message}`);
    }
    if (!Array.isArray(parsed)) throw new InvalidCommandError('body', 'a JSON import is an array of rows');
    return parseImport(parsed);
  }
  return { format: chosen, ...(chosen === 'csv' ? parseCsv(body, undefined, columns) : parseJsonl(body)) };
};

/**
 * Splits the bytes of an import file into rows, decoding them in the declared encoding (UTF-8 when
 * none is). A row holding bytes invalid in that encoding is refused with its row number and the
 * bytes' offset; the other rows are read as usual. Undecodable bytes in a JSON array, whose rows are
 * not lines, refuse the whole file.
 */
export const parseImportBytes = (
  bytes: Uint8Array,
  options: { format?: ImportFormat; encoding?: string; columns?: CsvColumns } = {},
): ParsedImport & { format: ImportFormat; encoding: ImportEncoding } => {
  const encoding = importEncoding(options.encoding);
  const { text, invalid } = decodeLines(bytes, encoding);
  const format = options.format ?? detectFormat(text);
  if (invalid.length === 0) return { ...parseImport(text, format, options.columns), encoding };
  if (format === 'json') throw new InvalidCommandError('body', `a JSON array: ${invalidBytesMessage(encoding, invalid[0]!)}`);
  const undecodable: Undecodable = { encoding, byLine: new Map(invalid.map((at) => [at.line, at])) };
  return { format, encoding, ...(format === 'csv' ? parseCsv(text, undecodable, options.columns) : parseJsonl(text, undecodable)) };
};
