import { uuidV5 } from '../../domain/uuid-v5.js';
import type { CaseHistory } from '../../app/case-history.js';
import { canonicalJson } from '../../domain/canonical.js';
import type { CaseState } from '../../domain/case/state.js';
import type { DomainEvent } from '../../domain/events/envelope.js';
import { epochNanos, isoOfNanos } from '../../domain/time/index.js';
import { isEngineError } from '../../errors.js';
import type { RowProblem } from './format.js';

/** Namespace of import keys (the same as the imported case ids'). */
const IMPORT_NAMESPACE = '6a1d4e8b-2c7f-5b39-a0e4-93d8f1c2b7a5';

/** What an import row is, for the keys: its source case, its content, and when it happened. */
export interface KeyedRow {
  readonly caseRef: string;
  readonly occurredAt: string;
  readonly row: number;
}

/**
 * Each row's import key — the command id its event is written under: its source case and its
 * content (the time as an instant, however its offset was written), not its place in the file or
 * in the case. So a row is found again in its record whatever the engine or a person appended
 * since, and in a later file holding only some of the case's rows. Identical rows of one case
 * (two equal notes) are told apart by their count among them.
 */
export const importKeys = (rows: readonly KeyedRow[]): string[] => {
  const seen = new Map<string, number>();
  return rows.map((row) => {
    const content = canonicalJson({ ...row, row: undefined, occurredAt: isoOfNanos(epochNanos(row.occurredAt)) });
    const repeat = seen.get(content) ?? 0;
    seen.set(content, repeat + 1);
    return `import-key-${uuidV5(`${row.caseRef}#${content}#${repeat}`, IMPORT_NAMESPACE)}`;
  });
};

/**
 * The command id rows were written under before import keys: the row's place among its case's
 * rows and its content. Recognised still, so that an import applied by an earlier version, run
 * again, writes nothing.
 */
const placedKey = (row: KeyedRow, index: number) =>
  `import-${uuidV5(`${row.caseRef}#${index}#${canonicalJson({ ...row, row: undefined })}`, IMPORT_NAMESPACE)}`;

/** The rows of a case its record does not hold yet, with their keys: the ones an import run appends. */
export const freshRows = <R extends KeyedRow>(history: CaseHistory, rows: readonly R[]): Array<{ readonly row: R; readonly key: string }> => {
  const keys = importKeys(rows);
  // A record not begun holds no row: nothing to look for (the older keys cost a hash each).
  if (history.events.length === 0) return rows.map((row, i) => ({ row, key: keys[i]! }));
  const held = new Set(history.events.map((e) => e.metadata.commandId));
  return rows.flatMap((row, i) => (held.has(keys[i]!) || held.has(placedKey(row, i)) ? [] : [{ row, key: keys[i]! }]));
};

const describe = (e: DomainEvent) => `${e.type} (${e.metadata.actor.id}, ${e.metadata.occurredAt})`;

/**
 * A row refused on a record that already holds events, worded for the migrator: what the row
 * says (its column and value), why the record refuses it, and what the record holds that this
 * import did not write — the watcher's misses, a person's actions — since those are what a later
 * row most often contradicts.
 */
export const contradiction = (
  history: CaseHistory,
  /** The record as the rows before this one left it (in memory). */
  state: CaseState<unknown>,
  row: KeyedRow & { readonly action: string },
  problem: RowProblem & { code?: string },
  error: unknown,
): RowProblem & { code?: string } => {
  if (history.state.revision === null) return problem;
  const since = history.events.filter((e) => !e.metadata.imported);
  const added = since.length > 0 ? `; added since the import: ${since.slice(-3).map(describe).join(', ')}` : '';
  const code = isEngineError(error) ? error.code : undefined;
  if (code === 'CASE_ALREADY_EXISTS') {
    const first = history.events[0]!;
    return {
      ...problem,
      field: 'action',
      value: row.action,
      code: 'IMPORT_CONFLICT',
      message: first.metadata.imported
        ? `the record was already imported from a row with other content (its ${first.type} occurred ${first.metadata.occurredAt}): a changed row is not imported again`
        : `a record with this id already exists and was not imported (${describe(first)})`,
      hint: 'correct the row to what was imported, or leave it out: rows already imported unchanged are skipped',
    };
  }
  if (problem.field === 'occurredAt') {
    const missed = isEngineError(error) && error.details.reason === 'contradicts_recorded_miss';
    return {
      ...problem,
      value: row.occurredAt,
      message: `${problem.message}${added}`,
      hint: missed
        ? 'the deadline passed while the engine held the record open without this step: a step taken in time contradicts the recorded miss'
        : `the record allows events from ${state.lastOccurredAt} on: a later row cannot come before what the record holds`,
    };
  }
  if (code === 'TRANSITION_NOT_ALLOWED') {
    return {
      ...problem,
      value: row.action,
      message: `${problem.message}${added}`,
      hint: `the record is ${String(state.snapshot.state)} after what it holds; a row that extends it must follow from there`,
    };
  }
  return { ...problem, message: `${problem.message}${added}` };
};
