import { lifecycle } from '../case/definition.js';
import { atVersion1 } from '../events/catalogue.js';
import { feeCommands } from './commands.js';
import { feeEventSchemas } from './events.js';
import { applyFeeEvent, type FeeFacts, type FeeMachineEvent } from './facts.js';
import { feeGuards, feeMachine } from './machine.js';

export const feeLedgerLifecycle = lifecycle<FeeFacts, FeeMachineEvent>({
  caseType: 'fee',
  machine: feeMachine,
  events: atVersion1(feeEventSchemas),
  commands: feeCommands,
  guards: feeGuards,
  apply: applyFeeEvent,
});
