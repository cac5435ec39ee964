import { loadCase } from '../../app/case-history.js';
import { canonicalJson } from '../../domain/canonical.js';
import type { DomainEvent } from '../../domain/events/envelope.js';
import { recordOf } from '../../domain/records.js';
import type { ImportWarning, ParsedImport, RowProblem } from './format.js';
import type { ImportDeps } from './case-import.js';
import { importCases, importedCaseId, type ImportReport } from './import.js';
import { importTimeZone } from './local-time.js';
import { eventRowsOf, expandSummary, type ExpandedRecord, type RuleNames, type WarningTally } from './summary.js';
import { SUMMARY_LIFECYCLES } from './summary-lifecycles.js';
import type { ZoneOfRow } from './summary-row.js';

export type ImportOptions = NonNullable<Parameters<typeof importCases>[2]>;

export interface SummaryImportReport extends ImportReport {
  readonly warnings: readonly ImportWarning[];
}

/** The summary column an event field comes from, for problems the lifecycle finds in a field. */
const FIELD_COLUMNS: Readonly<Record<string, string>> = {
  propertyId: 'propertyId',
  unit: 'unit',
  location: 'unit',
  category: 'category',
  description: 'description',
  channel: 'channel',
  complexity: 'complexity',
  'owner.name': 'ownerName',
  'owner.phone': 'ownerPhone',
  'visitor.name': 'ownerName',
  'visitor.phone': 'ownerPhone',
  owner: 'ownerName',
  visitor: 'ownerName',
  department: 'department',
  technicianId: 'technician',
  satisfaction: 'satisfaction',
};

const columnOfField = (field: string): string | undefined => FIELD_COLUMNS[field.replace(/^fields\./, '')] ?? (field === 'number' ? 'number' : undefined);

const flatten = (data: unknown, prefix = ''): Record<string, string> => {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return prefix === '' ? {} : { [prefix]: canonicalJson(data) };
  return Object.fromEntries(Object.entries(data).flatMap(([key, value]) => Object.entries(flatten(value, prefix === '' ? key : `${prefix}.${key}`))));
};

const shown = (value: string | undefined) => (value === undefined ? '(blank)' : value.replace(/^"(.*)"$/, '$1'));

/** The column of each event type a summary's steps record, by record type. */
const columnOfEvent = (record: ExpandedRecord, type: string): string => {
  const commands = recordOf(record.summary.type).lifecycle.commands;
  return SUMMARY_LIFECYCLES[record.summary.type].steps.find((s) => commands.find((c) => c.name === s.action)?.emits.includes(type))?.column ?? type;
};

/**
 * Where a record already imported differs from its row now: each column, the value the row gives
 * and the value the store keeps. Only the import's own events are compared: a step the engine or a
 * person added since is not the old system's. Steps the row adds after the stored ones differ in nothing.
 */
const differences = async (deps: ImportDeps, record: ExpandedRecord): Promise<RowProblem[]> => {
  const { summary } = record;
  const history = await loadCase(deps.store, summary.type, importedCaseId(summary.type, summary.number));
  const stored = history.events.filter((e) => e.metadata.imported === true);
  const problems: RowProblem[] = [];
  const differ = (column: string, kept: string | undefined, extra = '') =>
    problems.push({
      row: summary.row,
      field: column,
      code: 'IMPORT_CONFLICT',
      caseRef: summary.number,
      value: summary.cells[column] ?? '',
      message: `${summary.type} ${summary.number} was already imported with other content: ${column} is ${shown(summary.cells[column])} in this row, ${shown(kept)} in the store${extra}`,
      hint: 'a record once imported is not rewritten: correct the row to what was imported (a row already imported, unchanged, writes nothing), or record a change through the API',
    });
  for (const [i, step] of record.steps.entries()) {
    const event: DomainEvent | undefined = stored[i];
    if (!event) break;
    const emits = recordOf(summary.type).lifecycle.commands.find((c) => c.name === step.action)!.emits;
    if (!emits.includes(event.type)) {
      const column = columnOfEvent(record, event.type);
      differ(column, event.metadata.occurredAt, ` (the store's step after ${record.steps[i - 1]?.column ?? 'none'} is ${column}, the row's is ${step.column})`);
      return problems;
    }
    if (Date.parse(event.metadata.occurredAt) !== Date.parse(step.occurredAt)) differ(step.column, event.metadata.occurredAt);
    const given = flatten(step.fields);
    const kept = flatten(event.data);
    for (const key of new Set([...Object.keys(given), ...Object.keys(kept)])) {
      const column = FIELD_COLUMNS[key];
      if (column && given[key] !== kept[key] && !problems.some((p) => p.field === column)) differ(column, kept[key]);
    }
  }
  const more = stored[record.steps.length];
  if (problems.length === 0 && more) {
    const column = columnOfEvent(record, more.type);
    differ(column, more.metadata.occurredAt, ': a step imported is never taken back');
  }
  return problems;
};

/**
 * The time column of the step a record refused, for a problem with the step itself rather than one
 * of its details: its time (a time before what the record holds, or one meeting a deadline the
 * record holds as missed) or the step as such (one the record's state no longer takes).
 */
const stepColumn = (record: ExpandedRecord, field: string, action: string | undefined): string | undefined =>
  field === 'occurredAt' || field === 'action' ? record.steps.find((s) => s.action === action)?.column : undefined;

/** The rules' ids of categories and departments, found by id or by Chinese name. */
const ruleNames = (deps: ImportDeps): RuleNames => {
  const { categories } = deps.rulesets.current.spec;
  const idOf = (list: ReadonlyArray<{ id: string; zh: string }>, value: string) => list.find((c) => c.id === value || c.zh === value)?.id ?? value;
  return { category: (type, value) => idOf(categories[type], value), department: (value) => idOf(categories.departments, value) };
};

const zonesOfRows = (deps: ImportDeps, timeZone: string | undefined): ZoneOfRow => {
  const declared = importTimeZone(timeZone);
  if (declared === undefined) return () => ({});
  if (declared !== 'property') return () => ({ zone: declared });
  return (propertyId) => {
    if (propertyId === undefined) return { why: 'the row names no propertyId to take the time zone from', propertyAtFault: true };
    const zone = deps.rulesets.current.property(propertyId)?.timeZone;
    if (zone) return { zone };
    const known = deps.rulesets.current.spec.properties.map((p) => p.id).join(', ');
    return {
      why: `unknown property "${propertyId}": its time zone, in which the row's times are read, is the rules'; allowed: ${known}`,
      propertyAtFault: true,
    };
  };
};

/**
 * A summary import (docs/migration.md): each row, one record, is checked column by column and
 * expanded into the events of the steps it has times for, which are then imported exactly as
 * event rows are — decided through the record's lifecycle, marked imported, whole or not at all.
 * Problems the lifecycle finds are reported on the row's column; a record already imported with
 * other content names each column that differs.
 */
export const importSummary = async (
  deps: ImportDeps,
  parsed: ParsedImport,
  options: ImportOptions = {},
  tally?: WarningTally,
): Promise<SummaryImportReport> => {
  const { timeZone, ...rest } = options;
  const expansion = expandSummary(parsed.rows, {
    zoneOf: zonesOfRows(deps, timeZone),
    now: deps.clock.now(),
    names: ruleNames(deps),
    ...(tally ? { tally } : {}),
  });
  const byRow = new Map(expansion.records.map((r) => [r.summary.row, r]));
  // A record is one row: the row number and the refused action name the step, hence its column.
  const refusedActions = new Map<number, string>();
  const report = await importCases(
    deps,
    { rows: expansion.records.flatMap(eventRowsOf), problems: [] },
    { ...rest, built: true, onRefused: (row, action) => refusedActions.set(row, action) },
  );
  const found: RowProblem[] = [];
  for (const problem of report.rejected) {
    const record = byRow.get(problem.row)!;
    // A row of a record already imported is refused for what it changes, when it changes what was imported.
    const conflicts = await differences(deps, record);
    if (conflicts.length > 0) {
      found.push(...conflicts);
      continue;
    }
    const column = columnOfField(problem.field) ?? stepColumn(record, problem.field, refusedActions.get(problem.row));
    found.push(column ? { ...problem, field: column, value: record.summary.cells[column] ?? '' } : { ...problem, field: 'row' });
  }
  const refusedBefore = new Set([...parsed.problems, ...expansion.problems].map((p) => p.row));
  const rejected = [...parsed.problems, ...expansion.problems, ...found].sort((a, b) => a.row - b.row);
  const rejectedRows = new Set(rejected.map((p) => p.row));
  return {
    ...report,
    rows: parsed.rows.length + parsed.problems.length,
    cases: { ...report.cases, rejected: report.cases.rejected + refusedBefore.size },
    rejected,
    // A record is one row: a row held back is the rejected row itself.
    heldBack: report.heldBack.filter((h) => !rejectedRows.has(h.row)),
    warnings: expansion.warnings,
  };
};
