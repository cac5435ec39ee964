import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import type { CaseState } from '../../domain/case/state.js';
import { complaintMachine } from '../../domain/complaint/machine.js';
import type { CaseType } from '../../domain/events/envelope.js';
import { repairMachine } from '../../domain/repair/machine.js';
import type { StoredCase } from './schema.js';

const machines: Record<CaseType, AnyStateMachine> = { complaint: complaintMachine, repair: repairMachine };

/**
 * A case's state from its stored row, ready for the next event. The machines are flat and keep
 * everything they know in their context, which is the case's facts: the state's name and the
 * facts restore the machine snapshot exactly (xstate's resolveState), so a row is a complete
 * snapshot and no event has to be read again. The envelope fields the next event does not
 * build on (its occurredAt and hash) are left empty; evolve sets them.
 */
export const restoreCaseState = (caseType: CaseType, row: StoredCase): CaseState<unknown> => {
  const machine: AnyMachineSnapshot = machines[caseType].resolveState({ value: row.state, context: JSON.parse(row.facts) });
  return {
    snapshot: { state: String(machine.value), facts: machine.context, done: machine.status === 'done', machine },
    revision: BigInt(row.revision),
    propertyId: row.property_id,
    rulesetVersion: row.ruleset_version,
    lastOccurredAt: null,
    lastHash: null,
  };
};
