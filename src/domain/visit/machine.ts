import { assign, setup } from 'xstate';
import { guardChecks, importedStep, type GuardRule } from '../case/definition.js';
import { applyVisitEvent, emptyVisitFacts, type VisitFacts, type VisitMachineEvent } from './facts.js';

const whileOpen = { VisitDeadlineMissed: { actions: 'record' } } as const;

export const visitGuards = {
  /** A new referral must name another department. */
  otherDepartment: {
    test: ({ context, event }) => event.type === 'VisitReferred' && event.data.department !== context.department,
    refusal: 'the visit is already with that department',
  },
  /** Imported history only (docs/migration.md): a visit the old system closed without recording an answer or a referral. */
  importedStep: importedStep('only imported history closes a visit without an answer or a referral'),
} satisfies Record<string, GuardRule<VisitFacts, VisitMachineEvent>>;

/**
 * The visit lifecycle (业主来访): received → answered on the spot, or referred to a department
 * (and answered once it replies) → closed. Its response clock runs from receipt to the first
 * answer or referral.
 */
export const visitMachine = setup({
  types: { context: {} as VisitFacts, events: {} as VisitMachineEvent },
  actions: {
    record: assign(({ context, event }) => applyVisitEvent(context, event)),
  },
  guards: guardChecks(visitGuards),
}).createMachine({
  id: 'visit',
  context: emptyVisitFacts,
  initial: 'new',
  states: {
    new: { on: { VisitReceived: { target: 'received', actions: 'record' } } },
    received: {
      on: {
        ...whileOpen,
        VisitAnswered: { target: 'answered', actions: 'record' },
        VisitReferred: { target: 'referred', actions: 'record' },
        VisitClosed: { target: 'closed', guard: 'importedStep', actions: 'record' },
      },
    },
    referred: {
      on: {
        ...whileOpen,
        VisitAnswered: { target: 'answered', actions: 'record' },
        VisitReferred: { target: 'referred', guard: 'otherDepartment', actions: 'record' },
        VisitClosed: { target: 'closed', actions: 'record' },
      },
    },
    answered: {
      on: {
        ...whileOpen,
        VisitClosed: { target: 'closed', actions: 'record' },
      },
    },
    closed: { type: 'final' },
  },
});
