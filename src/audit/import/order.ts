import { recordOf, type RecordType } from '../../domain/records.js';
import type { RowProblem } from './format.js';

/**
 * A record's rows, in the order their times put them, whose first is not the row that creates the
 * record although the file has one: a step dated before the record was received. Named with both
 * rows and both times, rather than left to be refused as a step of a record that does not exist.
 */
export const stepBeforeCreation = (
  caseType: RecordType,
  rows: ReadonlyArray<{ readonly row: number; readonly action: string; readonly occurredAt: string }>,
): RowProblem | undefined => {
  const creates = (action: string) => recordOf(caseType).lifecycle.commands.find((c) => c.name === action)?.creates === true;
  const first = rows[0];
  const creating = rows.find((r) => creates(r.action));
  if (!first || !creating || creating === first) return undefined;
  return {
    row: first.row,
    field: 'occurredAt',
    code: 'TIME_OUT_OF_ORDER',
    value: first.occurredAt,
    message: `${first.action} at ${first.occurredAt} is before the ${caseType}'s ${creating.action} at ${creating.occurredAt} (row ${creating.row}): a record's steps follow its creation`,
  };
};
