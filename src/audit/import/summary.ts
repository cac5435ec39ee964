import type { Temporal } from 'temporal-polyfill';
import { canonicalJson } from '../../domain/canonical.js';
import { recordOf } from '../../domain/records.js';
import type { ImportWarning, RawRow, RowProblem } from './format.js';
import { DETAIL_COLUMNS, readSummaryRow, TIME_COLUMNS, type SummaryRow, type SummaryType, type TimeColumn, type ZoneOfRow } from './summary-row.js';
import { SUMMARY_ACTOR, SUMMARY_LIFECYCLES, type SummaryLifecycle } from './summary-lifecycles.js';

/** One event a summary row expands to: the step's column, its action and fields, when it happened, and who the old system says did it. */
export interface SummaryStep {
  readonly column: TimeColumn;
  readonly action: string;
  readonly occurredAt: string;
  readonly fields: Record<string, unknown>;
  readonly actor: string;
  readonly role: string;
}

/** A summary row checked and expanded. */
export interface ExpandedRecord {
  readonly summary: SummaryRow;
  readonly steps: readonly SummaryStep[];
}

const checkSteps = (r: SummaryRow, lifecycle: SummaryLifecycle): RowProblem[] => {
  const problems: RowProblem[] = [];
  const columns = lifecycle.steps.map((s) => s.column);
  for (const column of TIME_COLUMNS) {
    if (r.cells[column] !== undefined && !columns.includes(column)) {
      problems.push({
        row: r.row,
        field: column,
        code: 'STEP_NOT_IN_LIFECYCLE',
        value: r.cells[column],
        message: `a ${r.type} has no ${column} step (its steps: ${columns.join(', ')}): a step the engine cannot record is not dropped silently; leave the cell blank on ${r.type} rows`,
      });
    }
  }
  for (const step of lifecycle.steps) {
    const given = r.cells[step.column] !== undefined;
    if (step.needs && given && r.cells[step.needs] === undefined) {
      problems.push({
        row: r.row,
        field: step.needs,
        code: 'VALUE_MISSING',
        message: `${step.needs} is required with ${step.column}: the ${step.action} records it`,
        value: '',
      });
    }
    if (step.needs && !given && r.cells[step.needs] !== undefined && lifecycle.details.includes(step.needs)) {
      problems.push({
        row: r.row,
        field: step.column,
        code: 'VALUE_MISSING',
        value: '',
        message: `${step.needs} ${r.cells[step.needs]} is recorded with the ${step.action}: give ${step.column}, when it happened, or leave ${step.needs} blank`,
      });
    }
    if (step.after && given && r.cells[step.after] === undefined) {
      problems.push({
        row: r.row,
        field: step.after,
        code: 'VALUE_MISSING',
        value: '',
        message: `a ${r.type}'s ${step.column} (${step.action}) needs ${step.after}`,
      });
    }
  }
  // Each step at or after every step before it in the lifecycle: the two times named, as the file writes them.
  let latest: TimeColumn | undefined;
  for (const { column } of lifecycle.steps) {
    const at = r.times[column];
    if (at === undefined) continue;
    if (latest !== undefined && Date.parse(at) < Date.parse(r.times[latest]!)) {
      problems.push({
        row: r.row,
        field: column,
        code: 'TIME_OUT_OF_ORDER',
        value: r.cells[column],
        message: `${column} ${r.cells[column]} is before ${latest} ${r.cells[latest]}: a ${r.type}'s steps happen in the order ${columns.join(' ≤ ')}`,
      });
      continue;
    }
    latest = column;
  }
  return problems;
};

const stepsOf = (r: SummaryRow, lifecycle: SummaryLifecycle): SummaryStep[] => {
  const commands = recordOf(r.type).lifecycle.commands;
  return lifecycle.steps.flatMap((step) => {
    const occurredAt = r.times[step.column];
    if (occurredAt === undefined) return [];
    const role = commands.find((c) => c.name === step.action)!.roles[0]!;
    const actor = role === 'technician' && r.cells.technician ? r.cells.technician : SUMMARY_ACTOR;
    return [{ column: step.column, action: step.action, occurredAt, fields: step.fields(r), actor, role }];
  });
};

/** How the rules name categories and departments: an export may give their Chinese names (给排水 for `plumbing`). */
export interface RuleNames {
  category(type: SummaryType, value: string): string;
  department(value: string): string;
}

/** The row with its category and department as the rules' ids, where the file gives their names. */
const inRuleIds = (r: SummaryRow, names: RuleNames | undefined): SummaryRow => {
  if (!names) return r;
  const { category, department } = r.cells;
  return {
    ...r,
    cells: {
      ...r.cells,
      ...(category === undefined ? {} : { category: names.category(r.type, category) }),
      ...(department === undefined ? {} : { department: names.department(department) }),
    },
  };
};

/** The event rows of a record, as the event-row import reads them: its first row carries its number. */
export const eventRowsOf = (record: ExpandedRecord): RawRow[] =>
  record.steps.map((step, i) => ({
    row: record.summary.row,
    value: {
      caseRef: record.summary.number,
      caseType: record.summary.type,
      action: step.action,
      occurredAt: step.occurredAt,
      actor: step.actor,
      role: step.role,
      ...(i === 0 ? { number: record.summary.number } : {}),
      fields: step.fields,
    },
  }));

const firstDifference = (a: SummaryRow, b: SummaryRow): string =>
  [...new Set([...Object.keys(a.cells), ...Object.keys(b.cells)])].find((c) => a.cells[c] !== b.cells[c]) ?? 'row';

/** What the warnings of a summary import gather: rows whose detail a type does not keep, rows repeated. */
export interface WarningTally {
  /** By `column/type`, the rows. */
  readonly notKept: Map<string, number[]>;
  readonly repeats: number[];
}

/** A tally kept across the parts of one file read in parts, so that its warnings are the whole file's. */
export const warningTally = (): WarningTally => ({ notKept: new Map(), repeats: [] });

/**
 * Reads and expands a summary file's rows, one record each. A row is refused with every problem it
 * has (each naming its column and value); rows naming the same record are one record when they are
 * the same (the repeats are reported), and all refused when they differ.
 */
export const expandSummary = (
  rows: readonly RawRow[],
  options: { zoneOf: ZoneOfRow; now: Temporal.Instant; names?: RuleNames; tally?: WarningTally },
): { records: ExpandedRecord[]; problems: RowProblem[]; warnings: ImportWarning[] } => {
  const problems: RowProblem[] = [];
  const read: SummaryRow[] = [];
  for (const raw of rows) {
    const summary = readSummaryRow(raw.row, raw.value, options.zoneOf, options.now);
    if (Array.isArray(summary)) problems.push(...summary);
    else read.push(summary);
  }
  const byRecord = new Map<string, SummaryRow[]>();
  for (const r of read) byRecord.set(`${r.type}/${r.number}`, [...(byRecord.get(`${r.type}/${r.number}`) ?? []), r]);
  const records: ExpandedRecord[] = [];
  const { repeats, notKept } = options.tally ?? warningTally();
  for (const [, same] of byRecord) {
    const [first, ...others] = same as [SummaryRow, ...SummaryRow[]];
    const differing = others.filter((o) => canonicalJson(o.cells) !== canonicalJson(first.cells));
    if (differing.length > 0) {
      for (const r of same) {
        const other = r === first ? differing[0]! : first;
        const column = firstDifference(r, other);
        problems.push({
          row: r.row,
          field: column,
          code: 'IMPORT_CONFLICT',
          value: r.cells[column] ?? '',
          caseRef: r.number,
          message: `${r.type} ${r.number} is also on row ${other.row}, with ${column} ${other.cells[column] ?? '(blank)'}: a record is one row; keep the right one`,
        });
      }
      continue;
    }
    repeats.push(...others.map((o) => o.row));
    const lifecycle = SUMMARY_LIFECYCLES[first.type];
    const refused = checkSteps(first, lifecycle);
    if (refused.length > 0) {
      problems.push(...refused.map((p) => ({ ...p, caseRef: first.number })));
      continue;
    }
    for (const column of DETAIL_COLUMNS) {
      if (first.cells[column] === undefined || lifecycle.details.includes(column)) continue;
      const key = `${column}/${first.type}`;
      notKept.set(key, [...(notKept.get(key) ?? []), first.row]);
    }
    records.push({ summary: first, steps: stepsOf(inRuleIds(first, options.names), lifecycle) });
  }
  // By first row: a file read in parts (stream-import.ts) lists them as a file read whole does.
  const warnings: ImportWarning[] = [...notKept]
    .sort(([, a], [, b]) => a[0]! - b[0]!)
    .map(([key, rows]) => {
      const at = [...rows].sort((a, b) => a - b);
      const [column, type] = key.split('/') as [string, string];
      return {
        code: 'COLUMN_NOT_KEPT',
        columns: [column],
        rows: at,
        message: `a ${type} keeps no ${column}: the ${column} of ${at.length} ${type} row(s) was not imported`,
      };
    });
  if (repeats.length > 0) {
    warnings.push({
      code: 'DUPLICATE_ROW',
      rows: repeats,
      message: `${repeats.length} row(s) repeat an earlier row of the same record word for word: imported once`,
    });
  }
  return { records, problems, warnings };
};
