import { assign, setup } from 'xstate';
import { guardChecks, importedStep, type GuardRule } from '../case/definition.js';
import { applyRepairEvent, emptyRepairFacts, type RepairFacts, type RepairMachineEvent } from './facts.js';

const cancel = { RepairCancelled: { target: 'cancelled', actions: 'record' } } as const;
/** Accepted in every open state, without changing it. */
const whileOpen = { RepairDeadlineMissed: { actions: 'record' } } as const;
const reclassify = { RepairReclassified: { guard: 'otherComplexity', actions: 'record' } } as const;

/**
 * Imported history only (docs/migration.md): the old system recorded a later step without the
 * ones before it — an arrival without an acceptance, a completion without an arrival or a
 * dispatch, a callback or close without a completion. The step is recorded as it was; the
 * missing ones stay missing, and count as not done in the KPIs.
 */
const skippedTo = (target: string) => ({ target, guard: 'importedStep', actions: 'record' }) as const;
const skipToCompletion = { RepairCompleted: skippedTo('completed') } as const;
const skipToEnd = {
  CallbackRecorded: skippedTo('called_back'),
  RepairClosed: { target: 'closed', guard: 'importedClose', actions: 'record' },
} as const;

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
  importedStep: importedStep('only imported history records this step without the steps before it'),
  importedClose: importedStep(
    'closing without a callback needs a reason, e.g. the owner could not be reached',
    ({ event }) => event.type === 'RepairClosed' && (!event.data.withoutCallback || !!event.data.reason),
  ),
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
        RepairArrived: skippedTo('on_site'),
        ...skipToCompletion,
        ...skipToEnd,
      },
    },
    dispatched: {
      on: {
        ...whileOpen,
        RepairDispatched: { target: 'dispatched', guard: 'otherTechnician', actions: 'record' },
        RepairAccepted: { target: 'accepted', actions: 'record' },
        ...cancel,
        ...reclassify,
        RepairArrived: skippedTo('on_site'),
        ...skipToCompletion,
        ...skipToEnd,
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
        ...skipToCompletion,
        ...skipToEnd,
      },
    },
    on_site: {
      on: {
        ...whileOpen,
        RepairPaused: { target: 'paused', actions: 'record' },
        RepairCompleted: { target: 'completed', actions: 'record' },
        ...cancel,
        ...reclassify,
        ...skipToEnd,
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
