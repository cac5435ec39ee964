import { lifecycle } from '../case/definition.js';
import { visitCommands } from './commands.js';
import type { VisitFacts } from './facts.js';
import { visitMachine } from './machine.js';

export const visitLifecycle = lifecycle<VisitFacts>({
  caseType: 'visit',
  machine: visitMachine,
  commands: visitCommands,
});
