import { command, inspectionRoles, type AnyCommandSpec } from '../case/command.js';
import { inspectionEventSchemas } from '../events/inspection.js';
import type { InspectionFacts } from './facts.js';

const s = inspectionEventSchemas;

/** The spot-check commands, named as the API's actions. */
export const inspectionCommands: readonly AnyCommandSpec<InspectionFacts>[] = [
  command({
    name: 'record', summary: 'Record a spot check of a procedure (规程抽检)', creates: true, roles: inspectionRoles,
    payload: s.InspectionRecorded,
    toEvent: (data) => ({ type: 'InspectionRecorded', data }),
    sample: () => ({ propertyId: 'p', procedure: 'p', passed: true }),
  }),
  command({
    name: 'rectify', summary: 'A failed procedure has been put right', roles: inspectionRoles,
    payload: s.InspectionRectified, toEvent: (data) => ({ type: 'InspectionRectified', data }), sample: () => ({ note: 'n' }),
  }),
];
