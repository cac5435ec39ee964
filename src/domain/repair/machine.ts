import { assign, setup } from 'xstate';
import { guardChecks, type GuardRule } from '../case/definition.js';
import { applyRepairEvent, emptyRepairFacts, type RepairFacts, type RepairMachineEvent } from './facts.js';

const cancel = { RepairCancelled: { target: 'cancelled', actions: 'record' } } as const;
/** Accepted in every open state, without changing it. */
const whileOpen = { RepairDeadlineMissed: { actions: 'record' } } as const;
const reclassify = { RepairReclassified: { guard: 'otherComplexity', actions: 'record' } } as const;

export const repairGuards = {
  otherComplexity: {
    test: ({ context, event }) => event.type === 'RepairReclassified' && event.data.from === context.complexity && event.data.to !== context.complexity,
    refusal: 'the repair already has that complexity',
  },
  /** A re-dispatch must name another technician. */
  otherTechnician: {
    test: ({ context, event }) => event.type === 'RepairDispatched' && event.data.technicianId !== context.technicianId,
    refusal: 'the repair is already with that technician',
  },
  arrivedBeforePause: {
    test: ({ context }) => context.arrived,
    refusal: 'the technician has not arrived yet',
    possible: (facts) => facts.arrived,
  },
  closeWithoutCallback: {
    test: ({ event }) => event.type === 'RepairClosed' && event.data.withoutCallback && !!event.data.reason,
    refusal: 'closing without a callback needs a reason, e.g. the owner could not be reached',
  },
  /**
   * After a callback, closing is the lifecycle's to allow whatever the rating: whether a
   * dissatisfied one must be followed up first is the agreement's rule (followUp), checked by decide.
   */
  closeAfterCallback: { test: ({ event }) => event.type === 'RepairClosed' && !event.data.withoutCallback },
} satisfies Record<string, GuardRule<RepairFacts, RepairMachineEvent>>;

/**
 * The repair lifecycle (报修 / 维修工单): reported → dispatched → accepted → on site ⇄ paused →
 * completed → verified (or rework) → called back → closed, with cancellation and
 * general ⇄ complex reclassification before completion. Pure, like the complaint machine.
 */
export const repairMachine = setup({
  types: { context: {} as RepairFacts, events: {} as RepairMachineEvent },
  actions: {
    record: assign(({ context, event }) => applyRepairEvent(context, event)),
  },
  guards: guardChecks(repairGuards),
}).createMachine({
  id: 'repair',
  context: emptyRepairFacts,
  initial: 'new',
  states: {
    new: {
      on: { RepairReported: { target: 'reported', actions: 'record' } },
    },
    reported: {
      on: {
        ...whileOpen,
        RepairDispatched: { target: 'dispatched', actions: 'record' },
        ...cancel,
        ...reclassify,
      },
    },
    dispatched: {
      on: {
        ...whileOpen,
        RepairDispatched: { target: 'dispatched', guard: 'otherTechnician', actions: 'record' },
        RepairAccepted: { target: 'accepted', actions: 'record' },
        ...cancel,
        ...reclassify,
      },
    },
    accepted: {
      on: {
        ...whileOpen,
        RepairArrived: { target: 'on_site', actions: 'record' },
        RepairPaused: { target: 'paused', actions: 'record' },
        RepairDispatched: { target: 'dispatched', guard: 'otherTechnician', actions: 'record' },
        ...cancel,
        ...reclassify,
      },
    },
    on_site: {
      on: {
        ...whileOpen,
        RepairPaused: { target: 'paused', actions: 'record' },
        RepairCompleted: { target: 'completed', actions: 'record' },
        ...cancel,
        ...reclassify,
      },
    },
    paused: {
      on: {
        ...whileOpen,
        RepairResumed: [
          { target: 'on_site', guard: 'arrivedBeforePause', actions: 'record' },
          { target: 'accepted', actions: 'record' },
        ],
        ...cancel,
        ...reclassify,
      },
    },
    completed: {
      on: {
        ...whileOpen,
        RepairVerified: { target: 'verified', actions: 'record' },
        RepairReworkRequested: { target: 'rework', actions: 'record' },
        CallbackRecorded: { target: 'called_back', actions: 'record' },
        RepairClosed: { target: 'closed', guard: 'closeWithoutCallback', actions: 'record' },
      },
    },
    verified: {
      on: {
        ...whileOpen,
        CallbackRecorded: { target: 'called_back', actions: 'record' },
        RepairClosed: { target: 'closed', guard: 'closeWithoutCallback', actions: 'record' },
      },
    },
    called_back: {
      on: {
        ...whileOpen,
        CallbackRecorded: { target: 'called_back', actions: 'record' },
        RepairReworkRequested: { target: 'rework', actions: 'record' },
        RepairClosed: { target: 'closed', guard: 'closeAfterCallback', actions: 'record' },
      },
    },
    /** 返修: the owner rejected the work; it goes back to a technician. */
    rework: {
      on: {
        ...whileOpen,
        RepairDispatched: { target: 'dispatched', actions: 'record' },
        RepairArrived: { target: 'on_site', actions: 'record' },
        ...reclassify,
      },
    },
    closed: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

export type RepairState =
  | 'new'
  | 'reported'
  | 'dispatched'
  | 'accepted'
  | 'on_site'
  | 'paused'
  | 'completed'
  | 'verified'
  | 'called_back'
  | 'rework'
  | 'closed'
  | 'cancelled';
