import type { CaseFacts } from '../../domain/sla/milestones.js';

/**
 * Every fact the clock rows and the kpi column are computed from. An event that leaves it unchanged
 * (an acceptance, an arrival, an assignment, a note to the owner…) leaves them unchanged too, and
 * they are not computed again.
 */
export const derivedInputsOf = (c: CaseFacts): string => {
  switch (c.caseType) {
    case 'complaint':
    case 'repair': {
      const f = c.facts;
      const shared = [f.category, f.callbacks[0]?.at, f.allCallbacks, f.closedAt, f.closedWithoutCallback, f.misses.length];
      return JSON.stringify(
        c.caseType === 'complaint'
          ? [...shared, c.facts.receivedAt, c.facts.handlingStartedAt, c.facts.resolvedAt, c.facts.withdrawnAt, c.facts.rejectedAt]
          : [...shared, c.facts.reportedAt, c.facts.dispatchedAt, c.facts.completedAt, c.facts.cancelledAt, c.facts.complexity, c.facts.pauses],
      );
    }
    case 'visit':
      return JSON.stringify([c.facts.category, c.facts.receivedAt, c.facts.answeredAt, c.facts.closedAt, c.facts.misses.length]);
    // The other records are small: all their facts are their inputs.
    default:
      return JSON.stringify(c.facts);
  }
};
