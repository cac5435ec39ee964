import type { ComplaintFacts } from '../complaint/facts.js';
import type { RepairFacts } from '../repair/facts.js';
import type { Milestone } from '../ruleset/schema.js';

export type CaseFacts = { readonly caseType: 'complaint'; readonly facts: ComplaintFacts } | { readonly caseType: 'repair'; readonly facts: RepairFacts };

/** When a case reached a milestone a clock starts or stops at; null while it has not. */
export const milestoneAt = (c: CaseFacts, milestone: Milestone): string | null => {
  if (c.caseType === 'complaint') {
    const f = c.facts;
    switch (milestone) {
      case 'received': return f.receivedAt;
      case 'handling_started': return f.handlingStartedAt;
      case 'resolved': return f.resolvedAt;
      case 'callback_recorded': return f.callbacks[0]?.at ?? null;
      case 'closed': return f.closedAt;
      default: return null;
    }
  }
  const f = c.facts;
  switch (milestone) {
    case 'reported': return f.reportedAt;
    case 'dispatched': return f.dispatchedAt;
    case 'completed': return f.completedAt;
    case 'callback_recorded': return f.callbacks[0]?.at ?? null;
    case 'closed': return f.closedAt;
    default: return null;
  }
};

/** When the case ended without finishing its work: withdrawn, rejected, cancelled, or closed. */
export const endedAt = (c: CaseFacts): string | null =>
  c.caseType === 'complaint'
    ? c.facts.withdrawnAt ?? c.facts.rejectedAt ?? c.facts.closedAt
    : c.facts.cancelledAt ?? c.facts.closedAt;

/** The case's pause ledger, for clocks that stand still while paused. */
export const pausesOf = (c: CaseFacts) => (c.caseType === 'repair' ? c.facts.pauses : []);
