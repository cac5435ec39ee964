import { assign, setup } from 'xstate';
import { applyFeeEvent, collectedFen, emptyFeeFacts, outstandingFen, type FeeFacts, type FeeMachineEvent } from './facts.js';

const amountOf = (event: FeeMachineEvent): number => ('amountFen' in event.data ? event.data.amountFen : 0);

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
  guards: {
    /** The payment or waiver clears the ledger. */
    clears: ({ context, event }) => amountOf(event) === outstandingFen(context),
    /** It leaves something owed. */
    leavesOwed: ({ context, event }) => amountOf(event) < outstandingFen(context),
    /** A refund gives back at most what was collected. */
    withinCollected: ({ context, event }) => amountOf(event) <= collectedFen(context),
  },
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
