import { epochMillis } from '../time/index.js';
import type { Ruleset } from '../ruleset/ruleset.js';
import type { CallbackFact } from './machine-event.js';
import type { PolicyRefusal } from './command.js';

interface FollowedUp {
  readonly callbacks: readonly CallbackFact[];
  /** A complaint's escalations: reporting a dissatisfied owner to management is a follow-up. */
  readonly escalations?: ReadonlyArray<{ readonly at: string }>;
}

/**
 * Whether the owner's last rating was dissatisfied and nothing has followed it up yet: not
 * reopened or reworked (which clear the callbacks), rated again, or escalated after the rating.
 */
export const awaitsFollowUp = (facts: FollowedUp): boolean => {
  const last = facts.callbacks.at(-1);
  if (last?.satisfaction !== 'dissatisfied') return false;
  const rated = epochMillis(last.at);
  return !facts.escalations?.some((e) => epochMillis(e.at) >= rated);
};

/**
 * The agreement's follow-up rule (回访不满意业主并改进) on closing a case: where the property's
 * agreement sets `followUp.<caseType>: required` (`followUps` names what follows it up), a case whose last callback was dissatisfied is
 * not closed until it has been followed up. Reopening or reworking clears the callbacks, and
 * another callback replaces the last rating; an escalation after the rating also follows it up.
 */
export const followUpBeforeClosing =
  (caseType: 'complaint' | 'repair', followUps: string) =>
  (facts: FollowedUp, ruleset: Ruleset, propertyId: string): PolicyRefusal | undefined => {
    const agreement = ruleset.property(propertyId)?.agreementRules;
    if (agreement?.followUp[caseType] !== 'required') return undefined;
    if (!awaitsFollowUp(facts)) return undefined;
    return {
      rule: `${agreement.file} followUp.${caseType}: required`,
      reason: `the last callback was dissatisfied: ${followUps} first`,
    };
  };
