import { recordOf } from '../../domain/records.js';
import type { CaseState } from '../../domain/case/state.js';
import type { RecordType } from '../../domain/records.js';
import type { StoredCase } from './schema.js';

/**
 * A case's state from its stored row, ready for the next event. The machines are flat and keep
 * everything they know in their context, which is the case's facts: the state's name and the
 * facts are the whole lifecycle snapshot, so a row is a complete snapshot and no event has to be
 * read again. The envelope fields the next event does not build on (its occurredAt and hash) are
 * left empty; evolve sets them.
 */
export const restoreCaseState = (caseType: RecordType, row: StoredCase): CaseState<unknown> => ({
  snapshot: recordOf(caseType).lifecycle.restore(row.state, JSON.parse(row.facts)),
  revision: BigInt(row.revision),
  propertyId: row.property_id,
  number: row.number,
  rulesetVersion: row.ruleset_version,
  lastOccurredAt: null,
  lastHash: null,
});
