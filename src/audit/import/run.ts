import { InvalidCommandError } from '../../domain/case/errors.js';
import { EVENT_CSV_COLUMNS, type CsvColumns, type ImportShape, type ImportWarning, type ParsedImport } from './format.js';
import type { ImportDeps } from './case-import.js';
import { importCases, type ImportReport } from './import.js';
import { importSummary, type ImportOptions } from './summary-import.js';
import { SUMMARY_COLUMNS, SUMMARY_REQUIRED, unknownMembers } from './summary-row.js';

export const IMPORT_SHAPES = ['events', 'summary'] as const satisfies readonly ImportShape[];

const SUMMARY_CSV_COLUMNS: CsvColumns = { required: SUMMARY_REQUIRED, known: new Set(SUMMARY_COLUMNS), ref: 'number', jsonFields: false };

/** The columns a CSV of the shape is read with. */
export const csvColumnsOf = (shape: ImportShape = 'events'): CsvColumns => (shape === 'summary' ? SUMMARY_CSV_COLUMNS : EVENT_CSV_COLUMNS);

export interface RunReport extends ImportReport {
  readonly shape: ImportShape;
  /** What went ahead with a caveat: columns not read, details a record type does not keep, repeated rows. */
  readonly warnings: readonly ImportWarning[];
}

/** Columns the shape does not know: a warning listing them, or, with `strict`, the import refused before anything is written. */
export const unknownColumnsWarnings = (unknown: readonly string[], shape: ImportShape, strict: boolean | undefined): ImportWarning[] => {
  if (unknown.length === 0) return [];
  if (strict) {
    const known = shape === 'summary' ? SUMMARY_COLUMNS : [...EVENT_CSV_COLUMNS.known];
    throw new InvalidCommandError('columns', `unknown column(s) ${unknown.join(', ')}: a strict import reads only the columns of its shape (${shape})`, known);
  }
  return [
    { code: 'UNKNOWN_COLUMNS', columns: [...unknown], message: `column(s) ${unknown.join(', ')} are not columns of a ${shape} import: left out of every row` },
  ];
};

/**
 * An import of either shape: one row per event (the default, for full histories) or one row per
 * record (`summary`). Columns the shape does not know are left out and listed in a warning, or,
 * with `strict`, refuse the whole import before anything is read further: one extra column never
 * rejects every record.
 */
export const runImport = async (
  deps: ImportDeps,
  parsed: ParsedImport,
  options: ImportOptions & { readonly shape?: ImportShape; readonly strict?: boolean } = {},
): Promise<RunReport> => {
  const { shape = 'events', strict, ...rest } = options;
  const unknown = [...new Set([...(parsed.unknownColumns ?? []), ...(shape === 'summary' ? unknownMembers(parsed.rows.map((r) => r.value)) : [])])];
  const warnings = unknownColumnsWarnings(unknown, shape, strict);
  if (shape === 'summary') {
    const report = await importSummary(deps, parsed, rest);
    return { ...report, shape, warnings: [...warnings, ...report.warnings] };
  }
  return { ...(await importCases(deps, parsed, rest)), shape, warnings };
};
