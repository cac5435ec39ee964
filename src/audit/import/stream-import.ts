/**
 * A summary import of a file of any size, in bounded memory: the file is read in parts
 * (stream-rows.ts), each part imported as a file of its own would be (summary-import.ts, its records
 * through a window of appends in flight: pipeline.ts), and the parts' reports added up into the one
 * report the whole file read at once gives. What a summary import decides across rows — rows that
 * name the same record — is found by a first reading of the file, which keeps a fingerprint of each
 * record's number; the rows of a number met more than once are imported together, last.
 */
import type { ImportWarning, ParsedImport, RawRow, RowProblem } from './format.js';
import type { ImportDeps } from './case-import.js';
import type { ImportedCase } from './import.js';
import { unknownColumnsWarnings, type RunReport } from './run.js';
import type { FileInParts } from './stream-rows.js';
import { importSummary, type ImportOptions, type SummaryImportReport } from './summary-import.js';
import { ImportStoppedError, isImportStopped } from './stopped.js';
import { unknownMembers } from './summary-row.js';
import { warningTally } from './summary.js';

/** Cases a report of a file read in parts lists at most; the rest are counted (`caseListOmitted`). */
export const CASE_LIST_LIMIT = 10_000;
/** Problems a report of a file read in parts lists at most; the rest are counted (`rejectedOmitted`). */
export const REJECTED_LIMIT = 100_000;

/** What has been imported so far, after each part: for a progress bar. */
export interface ImportProgress {
  readonly rows: number;
  /** Rows in the file (the first reading counts them). */
  readonly totalRows: number;
  /** Records imported, extended, or found already there, unchanged. */
  readonly records: number;
  readonly rejected: number;
  readonly events: number;
}

/**
 * A set of strings kept as 64-bit fingerprints in one typed array: about 16 bytes a string, whatever
 * the strings. Two strings with the same fingerprint are taken for one; the caller's use of it
 * (numbers met more than once) only grows by that, never errs.
 */
const fingerprintSet = () => {
  let slots = new Uint32Array(2 * 1024);
  let size = 0;
  const hash = (text: string): [number, number] => {
    let h1 = 0xdeadbeef;
    let h2 = 0x41c6ce57;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    // 0, 0 marks an empty slot.
    return [h1 >>> 0, h2 >>> 0 || 1];
  };
  const place = (table: Uint32Array, h1: number, h2: number): boolean => {
    const mask = table.length / 2 - 1;
    for (let i = h1 & mask; ; i = (i + 1) & mask) {
      const a = table[2 * i]!;
      const b = table[2 * i + 1]!;
      if (a === 0 && b === 0) {
        table[2 * i] = h1;
        table[2 * i + 1] = h2;
        return true;
      }
      if (a === h1 && b === h2) return false;
    }
  };
  return {
    /** Adds the string; false when it (or its fingerprint) was there already. */
    add(text: string): boolean {
      if (size * 4 >= (slots.length / 2) * 3) {
        const larger = new Uint32Array(slots.length * 2);
        for (let i = 0; i < slots.length; i += 2) if (slots[i] !== 0 || slots[i + 1] !== 0) place(larger, slots[i]!, slots[i + 1]!);
        slots = larger;
      }
      const [h1, h2] = hash(text);
      const added = place(slots, h1, h2);
      if (added) size += 1;
      return added;
    },
  };
};

/** The record a summary row names, as the rows of one record are grouped (by number; type apart, later). */
const numberOf = (row: RawRow): string | undefined => {
  const value = row.value as { number?: unknown } | null;
  const number = value && typeof value === 'object' ? value.number : undefined;
  return typeof number === 'string' || typeof number === 'number' ? String(number).trim() : undefined;
};

/** The first reading: rows counted, numbers met more than once, members of JSON rows no column names. */
const survey = async (file: FileInParts) => {
  const seen = fingerprintSet();
  const repeated = new Set<string>();
  const unknown = new Set<string>();
  let rows = 0;
  for await (const part of file.parts()) {
    rows += part.rows.length + part.problems.length;
    for (const row of part.rows) {
      const number = numberOf(row);
      if (number !== undefined && !seen.add(number)) repeated.add(number);
    }
    if (file.format !== 'csv') for (const member of unknownMembers(part.rows.map((r) => r.value))) unknown.add(member);
  }
  return { rows, repeated, unknown: [...unknown] };
};

/**
 * Imports a summary file read in parts (docs/migration.md, "Speed"). Its report is the one the
 * whole file read at once gives, but for two bounds that keep it small: `caseList` lists the first
 * `caseListLimit` (CASE_LIST_LIMIT) records (the others counted in `caseListOmitted`), `rejected` the first
 * `rejectedLimit` (REJECTED_LIMIT) problems (the others counted in `rejectedOmitted`); and the records of numbers met
 * on more than one row come last in `caseList`.
 */
export const importSummaryInParts = async (
  deps: ImportDeps,
  file: FileInParts,
  options: ImportOptions & { readonly strict?: boolean; readonly rejectedLimit?: number; readonly onProgress?: (progress: ImportProgress) => void } = {},
): Promise<RunReport & { readonly rejectedOmitted?: number }> => {
  const { strict, onProgress, caseListLimit = CASE_LIST_LIMIT, rejectedLimit = REJECTED_LIMIT, ...rest } = options;
  const found = await survey(file);
  const unknownWarning = unknownColumnsWarnings([...new Set([...file.unknownColumns, ...found.unknown])], 'summary', strict);
  const tally = warningTally();
  const totals = { rows: 0, imported: 0, extended: 0, unchanged: 0, rejected: 0, eventsWritten: 0 };
  const rejected: RowProblem[] = [];
  let rejectedOmitted = 0;
  const heldBack: Array<SummaryImportReport['heldBack'][number]> = [];
  const caseList: ImportedCase[] = [];
  const omitted = { cases: 0, events: 0 };
  let warnings: readonly ImportWarning[] = [];
  const add = (report: SummaryImportReport) => {
    totals.rows += report.rows;
    totals.imported += report.cases.imported;
    totals.extended += report.cases.extended;
    totals.unchanged += report.cases.unchanged;
    totals.rejected += report.cases.rejected;
    totals.eventsWritten += report.eventsWritten;
    for (const problem of report.rejected) {
      if (rejected.length < rejectedLimit) rejected.push(problem);
      else rejectedOmitted += 1;
    }
    heldBack.push(...report.heldBack);
    for (const imported of report.caseList) {
      if (caseList.length < caseListLimit) caseList.push(imported);
      else {
        omitted.cases += 1;
        omitted.events += imported.events;
      }
    }
    warnings = report.warnings;
    onProgress?.({
      rows: totals.rows,
      totalRows: found.rows,
      records: totals.imported + totals.extended + totals.unchanged,
      rejected: totals.rejected,
      events: totals.eventsWritten,
    });
  };
  const deferred: RawRow[] = [];
  const parts = file.parts();
  // The next part is read and parsed while this one's records are written: an import on a thread of
  // its own (src/cli/import-thread.ts) would otherwise wait, at the end of each part, for its last
  // appends to commit, and the writing thread, meanwhile, for the next part to be read.
  const readAhead = () => {
    const next = parts.next();
    // Seen when awaited; a part read ahead for an import that then fails is not an unhandled rejection.
    next.catch(() => undefined);
    return next;
  };
  // A part is begun while the one before it still has appends in flight: awaited whole before the
  // next begins, each part would wait, at its end, for its last appends to commit, with nothing to
  // decide meanwhile. Two parts at most are under way, their reports added in the file's order; the
  // records of two parts are never the same (a number met more than once is imported last, alone).
  let before: Promise<SummaryImportReport> | undefined;
  try {
    let ahead = readAhead();
    for (let read = await ahead; !read.done; read = await ahead) {
      const part = read.value;
      ahead = readAhead();
      const now: RawRow[] = [];
      for (const row of part.rows) (found.repeated.has(numberOf(row) ?? '') ? deferred : now).push(row);
      const parsed: ParsedImport = { rows: now, problems: part.problems };
      const importing = importSummary(deps, parsed, rest, tally);
      // Seen when awaited; a part begun beside one that then fails is not an unhandled rejection.
      importing.catch(() => undefined);
      const previous = before;
      before = importing;
      if (previous) add(await previous);
    }
    if (before) add(await before);
    before = undefined;
    // Also when nothing was deferred: its warnings are then the whole file's.
    add(await importSummary(deps, { rows: deferred, problems: [] }, rest, tally));
  } catch (error) {
    // The part still under way is let finish (each record writes whole or not at all), and what it
    // wrote is told with the failure, as is what the parts before it wrote.
    const other = await before?.then(
      (report) => ({ report }),
      (failure: unknown) => ({ failure }),
    );
    let alsoWritten = { records: 0, events: 0 };
    if (other && 'report' in other) add(other.report);
    else if (other && other.failure !== error && isImportStopped(other.failure)) alsoWritten = other.failure.written;
    const stopped = isImportStopped(error) ? error : new ImportStoppedError(error, { records: 0, events: 0 }, undefined);
    const records = options.dryRun ? 0 : totals.imported + totals.extended;
    throw stopped.after({ records: records + alsoWritten.records, events: totals.eventsWritten + alsoWritten.events });
  } finally {
    // The file let go however the loop ended, as a for await would.
    await parts.return(undefined);
  }
  return {
    rows: totals.rows,
    dryRun: options.dryRun === true,
    cases: { imported: totals.imported, extended: totals.extended, unchanged: totals.unchanged, rejected: totals.rejected },
    eventsWritten: totals.eventsWritten,
    rejected: rejected.sort((a, b) => a.row - b.row),
    ...(rejectedOmitted > 0 ? { rejectedOmitted } : {}),
    heldBack: heldBack.sort((a, b) => a.row - b.row),
    caseList,
    ...(omitted.cases > 0 ? { caseListOmitted: omitted } : {}),
    warnings: [...unknownWarning, ...warnings],
    shape: 'summary',
  };
};
