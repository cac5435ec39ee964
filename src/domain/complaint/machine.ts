import { assign, setup } from 'xstate';
import { guardChecks, importedStep, type GuardRule } from '../case/definition.js';
import { applyComplaintEvent, emptyComplaintFacts, type ComplaintFacts, type ComplaintMachineEvent } from './facts.js';

/**
 * The complaint lifecycle (投诉): received → handling → assigned → resolved → owner notified →
 * called back → closed, with withdrawal, rejection, escalation and reopening. Pure: the
 * engine only asks it whether an event is allowed now (`can`) and for the next state
 * (`transition`); SLA timers are projections over recorded time, not machine timers.
 */
/** Accepted in every open state (not before receipt, not once finished), without changing it. */
const whileOpen = {
  ComplaintEscalated: { actions: 'record' },
  ComplaintDeadlineMissed: { actions: 'record' },
} as const;

/**
 * Imported history only (docs/migration.md): the old system recorded a later step without the
 * ones before it — an assignment, resolution, callback or close without an acknowledgement, a
 * callback or close without a resolution. The step is recorded as it was; the missing ones stay
 * missing, and count as not done in the KPIs.
 */
const skippedTo = (target: string) => ({ target, guard: 'importedStep', actions: 'record' }) as const;
const closedFromOpen = { ComplaintClosed: { target: 'closed', guard: 'importedClose', actions: 'record' } } as const;

export const complaintGuards = {
  /** A reassignment must name another department. */
  otherDepartment: {
    test: ({ context, event }) => event.type === 'ComplaintAssigned' && event.data.department !== context.department,
    refusal: 'the complaint is already with that department',
  },
  /** Without a callback, closing needs a reason (e.g. the owner cannot be reached). */
  closeWithoutCallback: {
    test: ({ event }) => event.type === 'ComplaintClosed' && event.data.withoutCallback && !!event.data.reason,
    refusal: 'closing without a callback needs a reason, e.g. the owner could not be reached',
  },
  /**
   * After a callback, closing is the lifecycle's to allow whatever the rating: whether a
   * dissatisfied one must be followed up first is the agreement's rule (followUp), checked by decide.
   */
  closeAfterCallback: { test: ({ event }) => event.type === 'ComplaintClosed' && !event.data.withoutCallback },
  importedStep: importedStep('only imported history records this step without the steps before it'),
  importedClose: importedStep(
    'closing without a callback needs a reason, e.g. the owner could not be reached',
    ({ event }) => event.type === 'ComplaintClosed' && (!event.data.withoutCallback || !!event.data.reason),
  ),
} satisfies Record<string, GuardRule<ComplaintFacts, ComplaintMachineEvent>>;

export const complaintMachine = setup({
  types: { context: {} as ComplaintFacts, events: {} as ComplaintMachineEvent },
  actions: {
    record: assign(({ context, event }) => applyComplaintEvent(context, event)),
  },
  guards: guardChecks(complaintGuards),
}).createMachine({
  id: 'complaint',
  context: emptyComplaintFacts,
  initial: 'new',
  states: {
    new: {
      on: { ComplaintReceived: { target: 'received', actions: 'record' } },
    },
    received: {
      on: {
        ...whileOpen,
        ComplaintHandlingStarted: { target: 'handling', actions: 'record' },
        ComplaintWithdrawn: { target: 'withdrawn', actions: 'record' },
        ComplaintRejected: { target: 'rejected', actions: 'record' },
        ComplaintAssigned: skippedTo('assigned'),
        ComplaintResolved: skippedTo('resolved'),
        CallbackRecorded: skippedTo('called_back'),
        ...closedFromOpen,
      },
    },
    handling: {
      on: {
        ...whileOpen,
        ComplaintAssigned: { target: 'assigned', actions: 'record' },
        ComplaintResolved: { target: 'resolved', actions: 'record' },
        ComplaintWithdrawn: { target: 'withdrawn', actions: 'record' },
        ComplaintRejected: { target: 'rejected', actions: 'record' },
        CallbackRecorded: skippedTo('called_back'),
        ...closedFromOpen,
      },
    },
    assigned: {
      on: {
        ...whileOpen,
        ComplaintAssigned: { target: 'assigned', guard: 'otherDepartment', actions: 'record' },
        ComplaintResolved: { target: 'resolved', actions: 'record' },
        ComplaintWithdrawn: { target: 'withdrawn', actions: 'record' },
        ComplaintRejected: { target: 'rejected', actions: 'record' },
        CallbackRecorded: skippedTo('called_back'),
        ...closedFromOpen,
      },
    },
    resolved: {
      on: {
        ...whileOpen,
        ComplaintOwnerNotified: { target: 'owner_notified', actions: 'record' },
        CallbackRecorded: { target: 'called_back', actions: 'record' },
        ComplaintClosed: { target: 'closed', guard: 'closeWithoutCallback', actions: 'record' },
        ComplaintReopened: { target: 'handling', actions: 'record' },
      },
    },
    owner_notified: {
      on: {
        ...whileOpen,
        CallbackRecorded: { target: 'called_back', actions: 'record' },
        ComplaintClosed: { target: 'closed', guard: 'closeWithoutCallback', actions: 'record' },
        ComplaintReopened: { target: 'handling', actions: 'record' },
      },
    },
    called_back: {
      on: {
        ...whileOpen,
        /** A revisit after improvement records another rating. */
        CallbackRecorded: { target: 'called_back', actions: 'record' },
        ComplaintClosed: { target: 'closed', guard: 'closeAfterCallback', actions: 'record' },
        ComplaintReopened: { target: 'handling', actions: 'record' },
      },
    },
    closed: { type: 'final' },
    withdrawn: { type: 'final' },
    rejected: { type: 'final' },
  },
});

export type ComplaintState = 'new' | 'received' | 'handling' | 'assigned' | 'resolved' | 'owner_notified' | 'called_back' | 'closed' | 'withdrawn' | 'rejected';
