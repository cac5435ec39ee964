import { lifecycle } from '../case/definition.js';
import { atVersion1 } from '../events/catalogue.js';
import { repairCommands } from './commands.js';
import { repairEventSchemas } from './events.js';
import { applyRepairEvent, type RepairFacts, type RepairMachineEvent } from './facts.js';
import { repairGuards, repairMachine } from './machine.js';

export const repairLifecycle = lifecycle<RepairFacts, RepairMachineEvent>({
  caseType: 'repair',
  machine: repairMachine,
  events: atVersion1(repairEventSchemas),
  commands: repairCommands,
  guards: repairGuards,
  apply: applyRepairEvent,
});
