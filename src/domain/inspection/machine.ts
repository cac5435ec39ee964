import { assign, setup } from 'xstate';
import { guardChecks, type GuardRule } from '../case/definition.js';
import { applyInspectionEvent, emptyInspectionFacts, type InspectionFacts, type InspectionMachineEvent } from './facts.js';

export const inspectionGuards = {
  passed: { test: ({ event }) => event.type === 'InspectionRecorded' && event.data.passed },
} satisfies Record<string, GuardRule<InspectionFacts, InspectionMachineEvent>>;

/** A procedure spot check: passed, or failed and then rectified. */
export const inspectionMachine = setup({
  types: { context: {} as InspectionFacts, events: {} as InspectionMachineEvent },
  actions: {
    record: assign(({ context, event }) => applyInspectionEvent(context, event)),
  },
  guards: guardChecks(inspectionGuards),
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
