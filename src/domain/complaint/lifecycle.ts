import { lifecycle } from '../case/definition.js';
import { complaintCommands } from './commands.js';
import type { ComplaintFacts } from './facts.js';
import { complaintMachine } from './machine.js';

export const complaintLifecycle = lifecycle<ComplaintFacts>({
  caseType: 'complaint',
  machine: complaintMachine,
  commands: complaintCommands,
});
