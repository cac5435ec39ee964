import { lifecycle } from '../case/definition.js';
import { atVersion1 } from '../events/catalogue.js';
import { archiveCheckCommands } from './commands.js';
import { archiveCheckEventSchemas } from './events.js';
import { applyArchiveCheckEvent, type ArchiveCheckFacts, type ArchiveCheckMachineEvent } from './facts.js';
import { archiveCheckGuards, archiveCheckMachine } from './machine.js';

export const archiveCheckLifecycle = lifecycle<ArchiveCheckFacts, ArchiveCheckMachineEvent>({
  caseType: 'archive_check',
  machine: archiveCheckMachine,
  events: atVersion1(archiveCheckEventSchemas),
  commands: archiveCheckCommands,
  guards: archiveCheckGuards,
  apply: applyArchiveCheckEvent,
});
