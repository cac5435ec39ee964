import { lifecycle } from '../case/definition.js';
import { inspectionCommands } from './commands.js';
import type { InspectionFacts } from './facts.js';
import { inspectionMachine } from './machine.js';

export const inspectionLifecycle = lifecycle<InspectionFacts>({
  caseType: 'inspection',
  machine: inspectionMachine,
  commands: inspectionCommands,
});
