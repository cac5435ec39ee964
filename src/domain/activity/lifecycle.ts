import { lifecycle } from '../case/definition.js';
import { activityCommands } from './commands.js';
import type { ActivityFacts } from './facts.js';
import { activityMachine } from './machine.js';

export const activityLifecycle = lifecycle<ActivityFacts>({
  caseType: 'activity',
  machine: activityMachine,
  commands: activityCommands,
});
