import type { ActivityFacts } from '../activity/facts.js';
import type { ArchiveCheckFacts } from '../archive-check/facts.js';
import type { ComplaintFacts } from '../complaint/facts.js';
import type { FeeFacts } from '../fee/facts.js';
import type { InspectionFacts } from '../inspection/facts.js';
import type { RepairFacts } from '../repair/facts.js';
import type { Milestone } from '../ruleset/schema.js';
import type { VisitFacts } from '../visit/facts.js';

/** A record's facts, tagged with its type. */
export type CaseFacts =
  | { readonly caseType: 'complaint'; readonly facts: ComplaintFacts }
  | { readonly caseType: 'repair'; readonly facts: RepairFacts }
  | { readonly caseType: 'visit'; readonly facts: VisitFacts }
  | { readonly caseType: 'fee'; readonly facts: FeeFacts }
  | { readonly caseType: 'activity'; readonly facts: ActivityFacts }
  | { readonly caseType: 'archive_check'; readonly facts: ArchiveCheckFacts }
  | { readonly caseType: 'inspection'; readonly facts: InspectionFacts };

/** When a case reached a milestone a clock starts or stops at; null while it has not. */
export const milestoneAt = (c: CaseFacts, milestone: Milestone): string | null => {
  switch (c.caseType) {
    case 'complaint': {
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
    case 'repair': {
      const f = c.facts;
      switch (milestone) {
        case 'reported': return f.reportedAt;
        case 'dispatched': return f.dispatchedAt;
        case 'completed': return f.completedAt;
        case 'callback_recorded': return f.callbacks[0]?.at ?? null;
        case 'closed': return f.closedAt;
        default: return null;
      }
    }
    case 'visit': {
      const f = c.facts;
      switch (milestone) {
        case 'received': return f.receivedAt;
        case 'answered': return f.answeredAt;
        case 'closed': return f.closedAt;
        default: return null;
      }
    }
    // The other records have no clocks.
    default:
      return null;
  }
};

/** When the case ended without finishing its work: withdrawn, rejected, cancelled, or closed. */
export const endedAt = (c: CaseFacts): string | null => {
  switch (c.caseType) {
    case 'complaint': return c.facts.withdrawnAt ?? c.facts.rejectedAt ?? c.facts.closedAt;
    case 'repair': return c.facts.cancelledAt ?? c.facts.closedAt;
    case 'visit': return c.facts.closedAt;
    default: return null;
  }
};

/** The deadline misses recorded on a case; the records without clocks have none. */
export const missesOf = (c: CaseFacts): ReadonlyArray<{ readonly clock: string; readonly deadline: string }> =>
  c.caseType === 'complaint' || c.caseType === 'repair' || c.caseType === 'visit' ? c.facts.misses : [];

/** The case's pause ledger, for clocks that stand still while paused. */
export const pausesOf = (c: CaseFacts) => (c.caseType === 'repair' ? c.facts.pauses : []);

/** The category a clock policy is chosen by; the records without categories have none. */
export const categoryOf = (c: CaseFacts): string =>
  c.caseType === 'complaint' || c.caseType === 'repair' || c.caseType === 'visit' ? c.facts.category : '';
