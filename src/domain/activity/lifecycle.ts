import { lifecycle } from '../case/definition.js';
import { atVersion1 } from '../events/catalogue.js';
import { activityCommands } from './commands.js';
import { activityEventSchemas } from './events.js';
import { applyActivityEvent, type ActivityFacts, type ActivityMachineEvent } from './facts.js';
import { activityGuards, activityMachine } from './machine.js';

export const activityLifecycle = lifecycle<ActivityFacts, ActivityMachineEvent>({
  caseType: 'activity',
  machine: activityMachine,
  events: atVersion1(activityEventSchemas),
  commands: activityCommands,
  guards: activityGuards,
  apply: applyActivityEvent,
});
