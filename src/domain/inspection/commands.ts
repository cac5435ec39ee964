import { command, qualityRoles, type AnyCommandSpec } from '../case/command.js';
import { inspectionEventSchemas, spotCheck } from './events.js';
import type { InspectionFacts } from './facts.js';

const s = inspectionEventSchemas;

/** The spot-check commands, named as the API's actions. */
export const inspectionCommands: readonly AnyCommandSpec<InspectionFacts>[] = [
  command({
    name: 'record',
    summary: 'Record a spot check of a procedure (规程抽检)',
    creates: true,
    roles: qualityRoles,
    payload: spotCheck,
    emits: ['InspectionRecorded'],
    toEvent: (data) => ({ type: 'InspectionRecorded', data }),
  }),
  command({
    name: 'rectify',
    summary: 'A failed procedure has been put right',
    roles: qualityRoles,
    payload: s.InspectionRectified,
    emits: ['InspectionRectified'],
    toEvent: (data) => ({ type: 'InspectionRectified', data }),
  }),
];
