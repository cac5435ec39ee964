import { lifecycle } from '../case/definition.js';
import { atVersion1 } from '../events/catalogue.js';
import { visitCommands } from './commands.js';
import { visitEventSchemas } from './events.js';
import { applyVisitEvent, type VisitFacts, type VisitMachineEvent } from './facts.js';
import { visitGuards, visitMachine } from './machine.js';

export const visitLifecycle = lifecycle<VisitFacts, VisitMachineEvent>({
  caseType: 'visit',
  machine: visitMachine,
  events: atVersion1(visitEventSchemas),
  commands: visitCommands,
  guards: visitGuards,
  apply: applyVisitEvent,
});
