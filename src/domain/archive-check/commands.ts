import { checkUnit } from '../case/units.js';
import { command, deskRoles, type AnyCommandSpec } from '../case/command.js';
import { archiveCheckEventSchemas, archiveCheck } from './events.js';
import type { ArchiveCheckFacts } from './facts.js';

const s = archiveCheckEventSchemas;

/** The owner-archive check commands, named as the API's actions. */
export const archiveCheckCommands: readonly AnyCommandSpec<ArchiveCheckFacts>[] = [
  command({
    name: 'record',
    summary: "Record the check of an owner's record (档案核查)",
    creates: true,
    roles: deskRoles,
    payload: archiveCheck,
    emits: ['ArchiveChecked'],
    toEvent: (data) => ({ type: 'ArchiveChecked', data }),
    validate: (data, ruleset, _facts, context) => checkUnit(data.unit, data.propertyId, ruleset, context),
  }),
  command({
    name: 'correct',
    summary: 'The record found wrong has been corrected',
    roles: deskRoles,
    payload: s.ArchiveCorrected,
    emits: ['ArchiveCorrected'],
    toEvent: (data) => ({ type: 'ArchiveCorrected', data }),
  }),
];
