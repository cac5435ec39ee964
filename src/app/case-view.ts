import type { Temporal } from 'temporal-polyfill';
import type { CaseHistory } from './case-history.js';
import { allowedCommands } from '../domain/case/decide.js';
import type { Ruleset } from '../domain/ruleset/ruleset.js';
import { caseClocks } from '../domain/sla/clocks.js';
import { clockSubjectOf, recordOf } from '../domain/records.js';

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
    number: state.number,
    propertyId: state.propertyId,
    state: state.snapshot.state,
    revision: Number(state.revision),
    rulesetVersion: state.rulesetVersion,
    allowedActions: allowedCommands(recordOf(history.caseType).lifecycle, state, inForce),
    details: opened.data,
    facts: state.snapshot.facts,
    clocks: caseClocks(clockSubjectOf({ caseType: history.caseType, facts: state.snapshot.facts }), ruleset, now),
    asOf: now.toString(),
  };
};
