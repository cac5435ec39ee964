import { lifecycle } from '../case/definition.js';
import { archiveCheckCommands } from './commands.js';
import type { ArchiveCheckFacts } from './facts.js';
import { archiveCheckMachine } from './machine.js';

export const archiveCheckLifecycle = lifecycle<ArchiveCheckFacts>({
  caseType: 'archive_check',
  machine: archiveCheckMachine,
  commands: archiveCheckCommands,
});
