import { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { InvalidCommandError } from '../../domain/case/errors.js';
import { tableRows, type CsvColumns, type ParsedImport, type RowProblem, type TableRecord } from './format.js';

export { looksLikeXlsx, XLSX_TYPE } from './xlsx-signature.js';

/** A worksheet read as a table: its first row's cells, and its other rows numbered as a CSV's data rows. */
export interface XlsxTable {
  readonly header: readonly string[];
  readonly records: readonly TableRecord[];
}

const two = (n: number) => String(n).padStart(2, '0');

/** A number format without its quoted and bracketed parts (literal text, colours, locales). */
const formatCodes = (numFmt: string) => numFmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '');
/** Whether a number format shows a date (the reader's own test: `y`, `m`, `d`, `h` or `s` in its codes). */
const isDateFormat = (numFmt: string | undefined) => numFmt !== undefined && !/^(General|@)$/i.test(numFmt) && /[ymdhs]/i.test(formatCodes(numFmt));
/** Whether a number format shows a time of day (hours or seconds). */
const showsTime = (numFmt: string | undefined) => numFmt !== undefined && /[hs]/i.test(formatCodes(numFmt));

/**
 * An Excel date cell as the local date and time it shows. Excel keeps no zone: the reader hands its
 * wall-clock reading over as if it were UTC, so the UTC fields are the wall clock, and the text has
 * no offset — read like any time without one (refused unless the import says which zone it is in).
 * A date formatted without a time of day is a date (a fee's due date, an activity's day).
 */
const localText = (date: Date, numFmt: string | undefined): string => {
  const day = `${date.getUTCFullYear()}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}`;
  const midnight = date.getUTCHours() === 0 && date.getUTCMinutes() === 0 && date.getUTCSeconds() === 0 && date.getUTCMilliseconds() === 0;
  if (!showsTime(numFmt) && (numFmt !== undefined || midnight)) return day;
  const ms = date.getUTCMilliseconds();
  return `${day} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}${ms === 0 ? '' : `.${String(ms).padStart(3, '0')}`}`;
};

/** Excel's serial day number (days since 1899-12-30, or 1904-01-01 in a 1904 workbook) as a date. */
const serialDate = (serial: number, date1904: boolean) => new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));

/** A number in plain digits, as a person reads it off the sheet: never an exponent (1e21, 1e-7). */
const plainNumber = (n: number): string => {
  const text = String(n);
  return /e/i.test(text) ? n.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 }) : text;
};

/** A cell as text, or the spreadsheet error it holds ('' when a formula's error was read back without its name). */
type CellText = { readonly text: string } | { readonly error: string };

/**
 * A cell's value as the CSV export of the sheet would hold it: text as it is, a number as plain
 * digits (13800138000, not 1.38e10), a boolean as true/false, a date as its local date and time, a
 * formula as its result. A cell holding an error (#N/A …) has no value to import.
 */
const cellText = (value: ExcelJS.CellValue, numFmt: string | undefined, date1904: boolean): CellText => {
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'string') return { text: value };
  // A formula whose result is an error (#DIV/0! …) is read back as no number at all.
  if (typeof value === 'number') return Number.isFinite(value) ? { text: plainNumber(value) } : { error: '' };
  if (typeof value === 'boolean') return { text: String(value) };
  if (value instanceof Date) return { text: localText(value, numFmt) };
  if ('error' in value) return { error: value.error };
  if ('richText' in value) return { text: value.richText.map((r) => r.text).join('') };
  if ('hyperlink' in value) return { text: String(value.text ?? '') };
  if ('formula' in value || 'sharedFormula' in value) {
    const result = value.result;
    // The reader converts a dated value but not a dated formula's result: it is a serial day number.
    if (typeof result === 'number' && isDateFormat(numFmt)) return { text: localText(serialDate(result, date1904), numFmt) };
    return result === undefined ? { text: '' } : cellText(result, numFmt, date1904);
  }
  return { text: String(value) };
};

/**
 * The rows of the first worksheet of an .xlsx (a file's path, or its bytes) as they stream: the
 * workbook is never held whole, and a caller that lets each row go holds one row at a time (and
 * the shared strings). The first row is the header (`header` in the first item); every later row a
 * data record, numbered as a CSV's data rows: row 1 the one below the header, by its place in the
 * sheet (row N is the sheet's row N + 1 when the header is its first row; an empty row is skipped
 * but keeps its number). A cell holding an error refuses its row, naming its column.
 */
export async function* xlsxRows(input: Uint8Array | string): AsyncGenerator<{ readonly header: readonly string[] } | TableRecord> {
  // Loaded when a workbook is read: its modules take a second to load, which a CSV import need not wait for.
  const { default: excel } = await import('exceljs');
  const source = typeof input === 'string' ? input : Readable.from([Buffer.from(input.buffer, input.byteOffset, input.byteLength)]);
  const reader = new excel.stream.xlsx.WorkbookReader(source, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  let header: string[] | undefined;
  let headerRow = 0;
  try {
    for await (const sheet of reader) {
      const date1904 = Boolean((reader as unknown as { properties?: { model?: { date1904?: boolean } } }).properties?.model?.date1904);
      for await (const row of sheet) {
        const texts: CellText[] = [];
        row.eachCell({ includeEmpty: true }, (cell, col) => {
          texts[col - 1] = cellText(cell.value, cell.numFmt, date1904);
        });
        const cells = Array.from(texts, (t) => (t && 'text' in t ? t.text : ''));
        if (header === undefined) {
          header = cells.map((c) => c.trim());
          headerRow = row.number;
          yield { header };
          continue;
        }
        if (cells.every((c) => c.trim() === '') && texts.every((t) => !t || 'text' in t)) continue;
        const number = row.number - headerRow;
        const bad = texts.findIndex((t) => t !== undefined && 'error' in t);
        yield bad < 0
          ? { row: number, cells }
          : { row: number, cells, refused: errorCell(number, header[bad] || `column ${bad + 1}`, texts[bad] as { error: string }) };
      }
      // The first worksheet only: the others (lookups, notes) are not rows to import.
      break;
    }
  } catch (error) {
    throw new InvalidCommandError('body', `not a readable .xlsx workbook: ${(error as Error).message}`);
  }
  if (header === undefined) throw new InvalidCommandError('body', 'the workbook’s first worksheet is empty: its first row must be the header');
}

/** The first worksheet of an .xlsx as a whole table (xlsxRows, gathered). */
export const readXlsxTable = async (input: Uint8Array | string): Promise<XlsxTable> => {
  let header: readonly string[] = [];
  const records: TableRecord[] = [];
  for await (const item of xlsxRows(input)) {
    if ('header' in item) header = item.header;
    else records.push(item);
  }
  return { header, records };
};

const errorCell =
  (row: number, column: string, cell: { error: string }) =>
  (caseRef: string): RowProblem => ({
    row,
    field: column,
    code: 'VALUE_INVALID',
    message: `the cell holds ${cell.error === '' ? 'a formula whose result is an error' : `the spreadsheet error ${cell.error}`}, not a value: fix the formula or type the value, and save again`,
    ...(cell.error === '' ? {} : { value: cell.error }),
    ...(caseRef === '' ? {} : { caseRef }),
  });

/**
 * The rows of an .xlsx import (a file's path, or its bytes): its first worksheet read as a CSV of
 * the same columns would be — by default the event-row format, each row one event; another
 * tabular format passes its own reader of a header and records.
 */
export const parseImportXlsx = async (input: Uint8Array | string, columns?: CsvColumns): Promise<ParsedImport> => {
  const { header, records } = await readXlsxTable(input);
  return tableRows(header, records, columns);
};
