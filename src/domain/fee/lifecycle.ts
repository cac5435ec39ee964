import { lifecycle } from '../case/definition.js';
import { feeCommands } from './commands.js';
import type { FeeFacts } from './facts.js';
import { feeMachine } from './machine.js';

export const feeLedgerLifecycle = lifecycle<FeeFacts>({
  caseType: 'fee',
  machine: feeMachine,
  commands: feeCommands,
});
