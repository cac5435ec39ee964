import { Temporal } from 'temporal-polyfill';
import { command, deskRoles, type AnyCommandSpec } from '../case/command.js';
import { InvalidCommandError } from '../case/errors.js';
import { localDateOf } from '../calendar/days.js';
import { activityEventSchemas, activityHeld } from './events.js';
import type { Ruleset } from '../ruleset/ruleset.js';
import type { ActivityFacts } from './facts.js';

const s = activityEventSchemas;

/** Participation is a share of the property's households: a count above them is a typing error. */
const withinHouseholds = (participants: number, propertyId: string, ruleset: Ruleset) => {
  const households = ruleset.property(propertyId)?.households;
  if (households !== undefined && participants > households) {
    throw new InvalidCommandError('participants', `${participants} participating households, more than the ${households} households of property ${propertyId}`);
  }
};

/** The activity commands, named as the API's actions. */
export const activityCommands: readonly AnyCommandSpec<ActivityFacts>[] = [
  command({
    name: 'record',
    summary: 'Record a community activity held (社区活动)',
    creates: true,
    roles: deskRoles,
    payload: activityHeld,
    emits: ['ActivityHeld'],
    toEvent: (data) => ({ type: 'ActivityHeld', data }),
    validate: (data, ruleset, _facts, context) => {
      withinHouseholds(data.participants, data.propertyId, ruleset);
      const property = ruleset.property(data.propertyId)!;
      const today = Temporal.PlainDate.from(localDateOf(context.occurredAt, property.timeZone));
      const heldOn = Temporal.PlainDate.from(data.heldOn);
      const window = ruleset.intake.recordWindowDays;
      if (Temporal.PlainDate.compare(heldOn, today) > 0) throw new InvalidCommandError('heldOn', `${data.heldOn} is after today (${today})`);
      if (Temporal.PlainDate.compare(heldOn, today.subtract({ days: window })) < 0) {
        throw new InvalidCommandError(
          'heldOn',
          `${data.heldOn} is more than ${window} days before today (${today}); the ruleset (intake.yaml recordWindowDays) allows ${window}`,
        );
      }
    },
  }),
  command({
    name: 'correct-participation',
    summary: 'Correct the count of participating households, with a reason',
    roles: deskRoles,
    payload: s.ActivityParticipationCorrected,
    emits: ['ActivityParticipationCorrected'],
    toEvent: (data) => ({ type: 'ActivityParticipationCorrected', data }),
    validate: (data, ruleset, facts) => withinHouseholds(data.participants, facts.propertyId, ruleset),
  }),
];
