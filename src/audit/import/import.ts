import { uuidV5 } from '../../domain/uuid-v5.js';
import type { Actor } from '../../domain/events/envelope.js';
import { recordOf, type RecordType } from '../../domain/records.js';
import type { RawRow, RowProblem } from './format.js';
import { importCase, type ImportDeps, type OnFault } from './case-import.js';
import { importTimeZone, zonesOf } from './local-time.js';
import { readBuiltRow, readRow, type ImportRow } from './import-row.js';
import { listOfCases, type CaseListOmitted } from './case-list.js';
import { stepBeforeCreation } from './order.js';
import { inWindow, turnsByKey } from './pipeline.js';
import { ImportStoppedError, type StoppedAt } from './stopped.js';

/** Namespace of imported case ids (UUIDv5 of case type and the source system's case reference). */
const IMPORT_NAMESPACE = '6a1d4e8b-2c7f-5b39-a0e4-93d8f1c2b7a5';

/** The engine's id of an imported case: the same source reference always maps to the same case. */
export const importedCaseId = (caseType: RecordType, caseRef: string) => uuidV5(`${caseType}/${caseRef}`, IMPORT_NAMESPACE);

export interface ImportedCase {
  readonly caseRef: string;
  readonly caseType: RecordType;
  readonly caseId: string;
  /** `extended`: a record imported (or recorded) before, with rows it did not hold yet appended after what it holds. */
  readonly status: 'imported' | 'extended' | 'unchanged' | 'rejected';
  readonly events: number;
}

export interface ImportReport {
  readonly rows: number;
  readonly dryRun: boolean;
  readonly cases: { readonly imported: number; readonly extended: number; readonly unchanged: number; readonly rejected: number };
  readonly eventsWritten: number;
  /** Rows that are wrong, with the reason. */
  readonly rejected: ReadonlyArray<RowProblem & { readonly caseRef?: string; readonly code?: string }>;
  /** Good rows not imported because another row of their case was rejected. */
  readonly heldBack: ReadonlyArray<{ readonly row: number; readonly caseRef: string; readonly reason: string }>;
  readonly caseList: readonly ImportedCase[];
  /** Cases past `caseListLimit`, counted but not listed; absent when every case is listed. */
  readonly caseListOmitted?: CaseListOmitted;
}

/** What stopped the import at a record: for ImportStoppedError, which names the record. */
class RecordFailure {
  constructor(
    readonly failure: unknown,
    readonly at: StoppedAt,
  ) {}
}

/**
 * A record with a natural key (a unit's fee ledger for a month) keeps the id of that key when
 * imported, so that later payments find it as they find a ledger billed over the API.
 */
const naturalIdOf = (caseType: RecordType, first: ImportRow): string | undefined => {
  const spec = recordOf(caseType).lifecycle.commands.find((c) => c.name === first.action);
  if (!spec?.creates || !spec.naturalId) return undefined;
  const parsed = spec.payload.safeParse(first.fields);
  return parsed.success ? spec.naturalId(parsed.data) : undefined;
};

/**
 * A historical import: each source case (caseRef) is validated by deciding all its rows in memory
 * — claimed times trusted, events marked imported — and appended in one atomic write, or not at
 * all when any of its rows is rejected. Case ids and import keys derive from the source, so
 * running the same import again finds every row already there and writes nothing, whatever the
 * engine or a person appended to its records since; rows a record does not hold yet (its later
 * steps) are appended after what it holds, or reported row by row where they contradict it. A
 * failure that is no row's (the store unavailable) stops it: ImportStoppedError, telling what was
 * written before.
 */
export const importCases = async (
  deps: ImportDeps,
  input: { rows: readonly RawRow[]; problems: readonly RowProblem[] },
  options: {
    dryRun?: boolean;
    /** The rows were built by the engine from summary rows it checked (summary-import.ts): read without the schema where nothing is amiss. */
    built?: boolean;
    authorize?: (propertyId: string) => void;
    /** The administrator (or console operator) importing: recorded on every event beside the row's claimed actor. */
    importedBy?: Actor;
    onCase?: (done: number, total: number) => void;
    /** Told the action of each row a record refused: the summary import names the column of its step (summary-import.ts). */
    onRefused?: (row: number, action: string) => void;
    /** Told what the engine threw on a row it failed to decide (reported as refused, code ENGINE_FAULT): for the log. */
    onFault?: OnFault;
    /** Cases decided and written at once (pipeline.ts); 1, the default, one after the other. */
    window?: number;
    /** Cases listed in `caseList` at most; the others are only counted (case-list.ts). */
    caseListLimit?: number;
    /** How times without an offset are read: `property` (each record in its property's zone) or an IANA zone; refused when not given. */
    timeZone?: string;
  } = {},
): Promise<ImportReport> => {
  const zoneOf = zonesOf((id) => deps.rulesets.current.property(id)?.timeZone, input.rows, importTimeZone(options.timeZone));
  const rejected: Array<RowProblem & { caseRef?: string; code?: string }> = [...input.problems];
  const heldBack: Array<{ row: number; caseRef: string; reason: string }> = [];
  const groups = new Map<string, ImportRow[]>();
  const rejectedRefs = new Set<string>(input.problems.flatMap((p) => (p.caseRef ? [p.caseRef] : [])));
  for (const raw of input.rows) {
    const row = options.built ? readBuiltRow(raw, zoneOf) : readRow(raw, zoneOf);
    if ('heldBack' in row) {
      const ref = String((raw.value as { caseRef?: unknown }).caseRef ?? '').trim();
      heldBack.push({ row: row.row, caseRef: ref, reason: row.heldBack });
      rejectedRefs.add(ref);
      continue;
    }
    if ('message' in row) {
      const ref = (raw.value as { caseRef?: unknown } | null)?.caseRef;
      rejected.push(typeof ref === 'string' && ref.trim() !== '' ? { caseRef: ref.trim(), ...row } : row);
      if (typeof ref === 'string') rejectedRefs.add(ref.trim());
      continue;
    }
    groups.set(row.caseRef, [...(groups.get(row.caseRef) ?? []), row]);
  }
  let eventsWritten = 0;
  const inTurn = turnsByKey();
  // One source case, decided and written whole; cases go through a bounded window (pipeline.ts).
  const importOne = async ([caseRef, unordered]: [string, ImportRow[]]): Promise<ImportedCase> => {
    // Rows in the order the events happened; rows with the same time keep their file order.
    const rows = [...unordered].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
    const caseType = rows[0]!.caseType;
    const caseId = naturalIdOf(caseType, rows[0]!) ?? importedCaseId(caseType, caseRef);
    const holdBack = (reason: string, except?: number, only?: ReadonlySet<number>): ImportedCase => {
      for (const r of rows) if (r.row !== except && (only === undefined || only.has(r.row))) heldBack.push({ row: r.row, caseRef, reason });
      return { caseRef, caseType, caseId, status: 'rejected', events: 0 };
    };
    const mixed = rows.find((r) => r.caseType !== caseType);
    const early = mixed ? undefined : stepBeforeCreation(caseType, rows);
    if (mixed) {
      rejected.push({ row: mixed.row, caseRef, field: 'caseType', code: 'VALUE_INVALID', message: `case ${caseRef} is a ${caseType} in row ${rows[0]!.row}` });
      return holdBack(`row ${mixed.row} of case ${caseRef} was rejected`, mixed.row);
    }
    if (early) {
      rejected.push({ ...early, caseRef });
      return holdBack(`row ${early.row} of case ${caseRef} was rejected`, early.row);
    }
    if (rejectedRefs.has(caseRef)) return holdBack(`another row of case ${caseRef} was rejected`);
    return inTurn(caseId, async (): Promise<ImportedCase> => {
      const outcome = await importCase(deps, caseType, caseId, rows, {
        dryRun: options.dryRun === true,
        authorize: options.authorize,
        importedBy: options.importedBy,
      }).catch((error: unknown) => {
        throw new RecordFailure(error, { caseRef, row: rows[0]!.row });
      });
      if ('problem' in outcome) {
        rejected.push({ ...outcome.problem, caseRef });
        if (outcome.action !== undefined) options.onRefused?.(outcome.problem.row, outcome.action);
        if (outcome.fault !== undefined) options.onFault?.(outcome.fault, { row: outcome.problem.row, caseRef });
        // Rows the record already holds are not held back: they are there.
        return holdBack(`row ${outcome.problem.row} of case ${caseRef} was rejected`, outcome.problem.row, outcome.fresh);
      }
      if (outcome.events === 0) return { caseRef, caseType, caseId, status: 'unchanged', events: 0 };
      if (!options.dryRun) eventsWritten += outcome.events;
      return { caseRef, caseType, caseId, status: outcome.existed ? 'extended' : 'imported', events: outcome.events };
    });
  };
  const cases = listOfCases<ImportedCase>(options.caseListLimit);
  // Told as the records begin: the file is read, and how many records it holds is known.
  options.onCase?.(0, groups.size);
  try {
    await inWindow(groups, options.window ?? 1, importOne, (imported, index) => {
      cases.add(imported);
      options.onCase?.(index + 1, groups.size);
    });
  } catch (thrown) {
    const { failure, at } = thrown instanceof RecordFailure ? thrown : { failure: thrown, at: undefined };
    const records = options.dryRun ? 0 : cases.counts.imported + cases.counts.extended;
    throw new ImportStoppedError(failure, { records, events: eventsWritten }, at);
  }
  rejected.sort((a, b) => a.row - b.row);
  heldBack.sort((a, b) => a.row - b.row);
  return {
    rows: input.rows.length + input.problems.length,
    dryRun: options.dryRun === true,
    cases: cases.counts,
    eventsWritten,
    rejected,
    heldBack,
    ...cases.list(),
  };
};
