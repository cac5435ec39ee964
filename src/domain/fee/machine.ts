import { assign, setup } from 'xstate';
import { guardChecks, type GuardRule } from '../case/definition.js';
import { applyFeeEvent, collectedFen, emptyFeeFacts, outstandingFen, type FeeFacts, type FeeMachineEvent } from './facts.js';

const amountOf = (event: FeeMachineEvent): number => ('amountFen' in event.data ? event.data.amountFen : 0);

export const feeGuards = {
  /** The payment or waiver clears the ledger. */
  clears: { test: ({ context, event }) => amountOf(event) === outstandingFen(context), possible: (facts) => outstandingFen(facts) >= 1 },
  /** It leaves something owed. */
  leavesOwed: { test: ({ context, event }) => amountOf(event) < outstandingFen(context), possible: (facts) => outstandingFen(facts) >= 2 },
  /** A refund gives back at most what was collected. */
  withinCollected: {
    test: ({ context, event }) => amountOf(event) <= collectedFen(context),
    refusal: 'a refund gives back at most what was collected',
    possible: (facts) => collectedFen(facts) >= 1,
  },
} satisfies Record<string, GuardRule<FeeFacts, FeeMachineEvent>>;

/**
 * A fee ledger (物业费台账): billed → outstanding ⇄ settled. A payment or waiver that clears what
 * is owed settles it; a refund makes it outstanding again. Amounts beyond what is owed (or, for a
 * refund, beyond what was collected) are refused before the lifecycle is asked.
 */
export const feeMachine = setup({
  types: { context: {} as FeeFacts, events: {} as FeeMachineEvent },
  actions: {
    record: assign(({ context, event }) => applyFeeEvent(context, event)),
  },
  guards: guardChecks(feeGuards),
}).createMachine({
  id: 'fee',
  context: emptyFeeFacts,
  initial: 'new',
  states: {
    new: { on: { FeeBilled: { target: 'outstanding', actions: 'record' } } },
    outstanding: {
      on: {
        FeePaid: [
          { target: 'settled', guard: 'clears', actions: 'record' },
          { target: 'outstanding', guard: 'leavesOwed', actions: 'record' },
        ],
        FeeWaived: [
          { target: 'settled', guard: 'clears', actions: 'record' },
          { target: 'outstanding', guard: 'leavesOwed', actions: 'record' },
        ],
        FeeRefunded: { target: 'outstanding', guard: 'withinCollected', actions: 'record' },
      },
    },
    settled: {
      on: { FeeRefunded: { target: 'outstanding', guard: 'withinCollected', actions: 'record' } },
    },
  },
});
