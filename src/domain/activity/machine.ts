import { assign, setup } from 'xstate';
import { guardChecks, type GuardRule } from '../case/definition.js';
import { applyActivityEvent, emptyActivityFacts, type ActivityFacts, type ActivityMachineEvent } from './facts.js';

export const activityGuards = {
  /** A correction changes the count. */
  otherCount: {
    test: ({ context, event }) => event.type === 'ActivityParticipationCorrected' && event.data.participants !== context.participants,
    refusal: 'the activity already has that count',
  },
} satisfies Record<string, GuardRule<ActivityFacts, ActivityMachineEvent>>;

/** A community activity: recorded once held; its participation may be corrected later (with If-Match). */
export const activityMachine = setup({
  types: { context: {} as ActivityFacts, events: {} as ActivityMachineEvent },
  actions: {
    record: assign(({ context, event }) => applyActivityEvent(context, event)),
  },
  guards: guardChecks(activityGuards),
}).createMachine({
  id: 'activity',
  context: emptyActivityFacts,
  initial: 'new',
  states: {
    new: { on: { ActivityHeld: { target: 'held', actions: 'record' } } },
    held: { on: { ActivityParticipationCorrected: { target: 'held', guard: 'otherCount', actions: 'record' } } },
  },
});
