import type { Temporal } from 'temporal-polyfill';
import type { CaseHistory } from '../../app/case-history.js';
import { lifecycles } from '../../app/case-history.js';
import { allowedCommands } from '../../domain/case/decide.js';
import type { Ruleset } from '../../domain/ruleset/ruleset.js';
import { caseClocks } from '../../domain/sla/clocks.js';

/**
 * A case as the API shows it: state, what may happen next, and its SLA clocks now. The clocks
 * follow the ruleset the case was received under; what may happen next follows `inForce`, the
 * ruleset a command would be decided under (the agreement's follow-up policy may withhold a close
 * the lifecycle allows), by default the case's own.
 */
export const caseView = (history: CaseHistory, ruleset: Ruleset, now: Temporal.Instant, inForce: Ruleset = ruleset) => {
  const { state } = history;
  const opened = history.events[0]!;
  return {
    id: history.caseId,
    type: history.caseType,
    propertyId: state.propertyId,
    state: state.snapshot.state,
    revision: Number(state.revision),
    rulesetVersion: state.rulesetVersion,
    allowedActions: allowedCommands(lifecycles[history.caseType], state, inForce),
    details: opened.data,
    facts: state.snapshot.facts,
    clocks: caseClocks({ caseType: history.caseType, facts: state.snapshot.facts } as never, ruleset, now),
    asOf: now.toString(),
  };
};
