import type { MachineEventOf } from '../case/machine-event.js';
import type { activityEventSchemas } from './events.js';

export type ActivityMachineEvent = MachineEventOf<typeof activityEventSchemas>;

/** A community activity (社区活动), folded from its events. */
export interface ActivityFacts {
  readonly propertyId: string;
  readonly title: string;
  /** The local date it was held: the month it counts in. */
  readonly heldOn: string;
  /** Participating households, as last corrected. */
  readonly participants: number;
  readonly recordedAt: string | null;
  readonly corrections: ReadonlyArray<{ readonly participants: number; readonly reason: string; readonly at: string }>;
}

export const emptyActivityFacts: ActivityFacts = { propertyId: '', title: '', heldOn: '', participants: 0, recordedAt: null, corrections: [] };

export const applyActivityEvent = (facts: ActivityFacts, event: ActivityMachineEvent): ActivityFacts => {
  switch (event.type) {
    case 'ActivityHeld': {
      const { propertyId, title, heldOn, participants } = event.data;
      return { ...facts, propertyId, title, heldOn, participants, recordedAt: event.at };
    }
    case 'ActivityParticipationCorrected':
      return {
        ...facts,
        participants: event.data.participants,
        corrections: [...facts.corrections, { participants: event.data.participants, reason: event.data.reason, at: event.at }],
      };
  }
};
