import { lifecycle } from '../case/definition.js';
import { repairCommands } from './commands.js';
import type { RepairFacts } from './facts.js';
import { repairMachine } from './machine.js';

export const repairLifecycle = lifecycle<RepairFacts>({
  caseType: 'repair',
  machine: repairMachine,
  commands: repairCommands,
});
