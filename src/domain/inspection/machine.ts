import { assign, setup } from 'xstate';
import { applyInspectionEvent, emptyInspectionFacts, type InspectionFacts, type InspectionMachineEvent } from './facts.js';

/** A procedure spot check: passed, or failed and then rectified. */
export const inspectionMachine = setup({
  types: { context: {} as InspectionFacts, events: {} as InspectionMachineEvent },
  actions: {
    record: assign(({ context, event }) => applyInspectionEvent(context, event)),
  },
  guards: {
    passed: ({ event }) => event.type === 'InspectionRecorded' && event.data.passed,
  },
}).createMachine({
  id: 'inspection',
  context: emptyInspectionFacts,
  initial: 'new',
  states: {
    new: {
      on: {
        InspectionRecorded: [
          { target: 'passed', guard: 'passed', actions: 'record' },
          { target: 'failed', actions: 'record' },
        ],
      },
    },
    failed: { on: { InspectionRectified: { target: 'rectified', actions: 'record' } } },
    passed: { type: 'final' },
    rectified: { type: 'final' },
  },
});
