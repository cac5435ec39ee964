import { InvalidCommandError } from '../../domain/case/errors.js';

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
}

export const CSV_COLUMNS = ['caseRef', 'caseType', 'action', 'occurredAt', 'actor', 'role', 'fields'] as const;
/** Columns a CSV may leave out: `number`, the old system's number of a record, on its creating row. */
const OPTIONAL_COLUMNS: ReadonlySet<string> = new Set(['fields', 'number']);

/** Guesses the format from the text: a JSON array, one JSON object per line, or CSV with a header. */
export const detectFormat = (text: string): ImportFormat => {
  const start = text.trimStart();
  if (start.startsWith('[')) return 'json';
  if (start.startsWith('{')) return 'jsonl';
  return 'csv';
};

/** RFC 4180 records: quoted cells may hold commas, doubled quotes and line breaks. */
export const csvRecords = (text: string): string[][] => {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      record.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || record.length > 0) records.push([...record, cell]);
  return records.filter((r) => !(r.length === 1 && r[0] === ''));
};

const parseCsv = (text: string): { rows: RawRow[]; problems: RowProblem[] } => {
  const [header, ...records] = csvRecords(text.replace(/^\uFEFF/, ''));
  const columns = (header ?? []).map((c) => c.trim());
  const missing = CSV_COLUMNS.filter((c) => !OPTIONAL_COLUMNS.has(c) && !columns.includes(c));
  if (missing.length > 0) throw new InvalidCommandError('body', `the CSV header lacks ${missing.join(', ')}; expected ${CSV_COLUMNS.join(',')}`);
  const rows: RawRow[] = [];
  const problems: RowProblem[] = [];
  records.forEach((cells, i) => {
    const row = i + 1;
    const value: Record<string, unknown> = Object.fromEntries(columns.map((c, j) => [c, cells[j] ?? '']));
    const fields = String(value.fields ?? '').trim();
    try {
      value.fields = fields === '' ? {} : JSON.parse(fields);
      rows.push({ row, value });
    } catch (error) {
      problems.push({ row, field: 'fields', message: `not valid JSON: ${(error as Error).message}`, caseRef: String(value.caseRef ?? '').trim() });
    }
  });
  return { rows, problems };
};

const parseJsonl = (text: string): { rows: RawRow[]; problems: RowProblem[] } => {
  const rows: RawRow[] = [];
  const problems: RowProblem[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      rows.push({ row: i + 1, value: JSON.parse(line) });
    } catch (error) {
      problems.push({ row: i + 1, field: 'row', message: `not valid JSON: ${(error as Error).message}` });
    }
  });
  return { rows, problems };
};

/** Splits an import body into rows; a row that cannot be read at all is a problem, not a failure of the whole file. */
export const parseImport = (body: string | unknown[], format?: ImportFormat): { format: ImportFormat; rows: RawRow[]; problems: RowProblem[] } => {
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
  return { format: chosen, ...(chosen === 'csv' ? parseCsv(body) : parseJsonl(body)) };
};
