import { lifecycle } from '../case/definition.js';
import { atVersion1 } from '../events/catalogue.js';
import { complaintCommands } from './commands.js';
import { complaintEventSchemas } from './events.js';
import { applyComplaintEvent, type ComplaintFacts, type ComplaintMachineEvent } from './facts.js';
import { complaintGuards, complaintMachine } from './machine.js';

export const complaintLifecycle = lifecycle<ComplaintFacts, ComplaintMachineEvent>({
  caseType: 'complaint',
  machine: complaintMachine,
  events: atVersion1(complaintEventSchemas),
  commands: complaintCommands,
  guards: complaintGuards,
  apply: applyComplaintEvent,
});
