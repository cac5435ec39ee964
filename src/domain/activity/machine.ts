import { assign, setup } from 'xstate';
import { applyActivityEvent, emptyActivityFacts, type ActivityFacts, type ActivityMachineEvent } from './facts.js';

/** A community activity: recorded once held; its participation may be corrected later (with If-Match). */
export const activityMachine = setup({
  types: { context: {} as ActivityFacts, events: {} as ActivityMachineEvent },
  actions: {
    record: assign(({ context, event }) => applyActivityEvent(context, event)),
  },
  guards: {
    /** A correction changes the count. */
    otherCount: ({ context, event }) => event.type === 'ActivityParticipationCorrected' && event.data.participants !== context.participants,
  },
}).createMachine({
  id: 'activity',
  context: emptyActivityFacts,
  initial: 'new',
  states: {
    new: { on: { ActivityHeld: { target: 'held', actions: 'record' } } },
    held: { on: { ActivityParticipationCorrected: { target: 'held', guard: 'otherCount', actions: 'record' } } },
  },
});
