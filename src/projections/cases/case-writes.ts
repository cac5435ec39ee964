import type { CaseStatements, CaseRow, ClockRow } from './schema.js';

/** A case's rows as they were last written, when known. */
export interface WrittenRows {
  /** Its clock rows; null when not known (a case restored from its row): they are all rewritten. */
  readonly clocks: readonly ClockRow[] | null;
  /** Its encoded KPI column; null when not known. */
  readonly kpi: string | null;
}

/** The case's row: updated in place when it is stored, else inserted. */
export const writeCaseRow = (sql: CaseStatements, row: CaseRow, stored: boolean): void => {
  if (stored && sql.update.run(row).changes === 1) return;
  sql.upsert.run(row);
};

const sameRow = (a: ClockRow, b: ClockRow): boolean => {
  for (const key in a) if (a[key as keyof ClockRow] !== b[key as keyof ClockRow]) return false;
  return true;
};

/**
 * The case's clock rows: with the rows last written known, only those that changed are written
 * (most events move one clock of three); otherwise the case's clock rows are replaced.
 */
export const writeClockRows = (
  sql: CaseStatements,
  caseType: string,
  caseId: string,
  rows: readonly ClockRow[],
  before: readonly ClockRow[] | null,
  stored: boolean,
): void => {
  if (before === null) {
    if (stored) sql.dropClocks.run(caseType, caseId);
    for (const row of rows) sql.insertClock.run(row);
    return;
  }
  for (const row of rows) {
    const old = before.find((b) => b.clock === row.clock);
    if (old === undefined) sql.insertClock.run(row);
    else if (!sameRow(old, row)) sql.updateClock.run(row);
  }
  for (const old of before) if (!rows.some((row) => row.clock === old.clock)) sql.dropClock.run(caseType, caseId, old.clock);
};
