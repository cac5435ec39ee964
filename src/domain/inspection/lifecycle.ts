import { lifecycle } from '../case/definition.js';
import { atVersion1 } from '../events/catalogue.js';
import { inspectionCommands } from './commands.js';
import { inspectionEventSchemas } from './events.js';
import { applyInspectionEvent, type InspectionFacts, type InspectionMachineEvent } from './facts.js';
import { inspectionGuards, inspectionMachine } from './machine.js';

export const inspectionLifecycle = lifecycle<InspectionFacts, InspectionMachineEvent>({
  caseType: 'inspection',
  machine: inspectionMachine,
  events: atVersion1(inspectionEventSchemas),
  commands: inspectionCommands,
  guards: inspectionGuards,
  apply: applyInspectionEvent,
});
