import { localDateOf } from '../calendar/days.js';
import { isEngineError } from '../../errors.js';
import type { ComplaintFacts } from '../complaint/facts.js';
import { isSatisfied } from '../events/shared.js';
import type { RepairFacts } from '../repair/facts.js';
import type { Ruleset } from '../ruleset/ruleset.js';
import type { SlaPolicy } from '../ruleset/schema.js';
import { toClockDuration } from '../sla/clocks.js';
import { milestoneAt, type CaseFacts } from '../sla/milestones.js';
import { deadlineOfNanos, epochMillis, epochNanos, floorMillis, type NanoInterval } from '../time/index.js';

/** One SLA clock as the KPIs need it, independent of when the report is read. */
export interface KpiClock {
  readonly policyId: string;
  /** Epoch ms, with closed pauses excluded; null when it cannot be computed (see `undetermined`). */
  readonly deadline: number | null;
  readonly stoppedAt: number | null;
  /** Start of a pause still open: the deadline moves with it until it ends. */
  readonly pausedSince: number | null;
  readonly undetermined?: string;
}

/**
 * What the agreement's KPIs need to know about one case: compact, JSON-serialisable, computed
 * once per event by the projection under the ruleset the case was received with.
 */
export interface KpiCase {
  readonly caseType: 'complaint' | 'repair';
  readonly caseId: string;
  readonly propertyId: string;
  readonly receivedAt: number;
  /** Local date of receipt in the property's zone: the case's reporting period. */
  readonly receivedDate: string;
  /** Complaint: handling started; repair: dispatched. */
  readonly response: KpiClock | null;
  /** Complaint: resolution (the last one, not reopened since); repair: completion (the last one, no rework since). */
  readonly completion: KpiClock | null;
  /** Withdrawn (complaint) or cancelled (repair). */
  readonly voidedAt: number | null;
  readonly rejectedAt: number | null;
  readonly closedAt: number | null;
  readonly closedDate: string | null;
  readonly closedWithCallback: boolean;
  readonly ratings: ReadonlyArray<{ readonly at: number; readonly date: string; readonly satisfied: boolean }>;
}

const ms = (iso: string | null): number | null => (iso === null ? null : epochMillis(iso));

const kpiClock = (c: CaseFacts, policy: SlaPolicy | undefined, ruleset: Ruleset): KpiClock | null => {
  if (!policy) return null;
  const started = milestoneAt(c, policy.starts as never);
  if (started === null) return null;
  const stopped = ms(milestoneAt(c, policy.stops as never));
  const ledger = policy.pausedIn.includes('paused') && c.caseType === 'repair' ? c.facts.pauses : [];
  const open = ledger.find((p) => p.end === null);
  const closed: NanoInterval[] = ledger.filter((p) => p.end !== null).map((p) => ({ start: epochNanos(p.start), end: epochNanos(p.end!) }));
  const calendar = ruleset.property(c.facts.propertyId)!.businessCalendar;
  const start = epochNanos(started);
  try {
    const { deadline } = deadlineOfNanos(calendar, toClockDuration(policy), start, closed, start);
    return { policyId: policy.id, deadline: floorMillis(deadline), stoppedAt: stopped, pausedSince: open ? ms(open.start) : null };
  } catch (error) {
    if (!isEngineError(error)) throw error;
    return { policyId: policy.id, deadline: null, stoppedAt: stopped, pausedSince: null, undetermined: error.message };
  }
};

export const kpiCaseOf = (caseType: 'complaint' | 'repair', caseId: string, facts: ComplaintFacts | RepairFacts, ruleset: Ruleset): KpiCase => {
  const c = { caseType, facts } as CaseFacts;
  const zone = ruleset.property(facts.propertyId)!.timeZone;
  const policies = ruleset.policiesFor({
    caseType, category: facts.category, ...(c.caseType === 'repair' ? { complexity: c.facts.complexity } : {}),
  });
  const receivedIso = c.caseType === 'complaint' ? c.facts.receivedAt! : c.facts.reportedAt!;
  const voided = c.caseType === 'complaint' ? c.facts.withdrawnAt : c.facts.cancelledAt;
  return {
    caseType,
    caseId,
    propertyId: facts.propertyId,
    receivedAt: ms(receivedIso)!,
    receivedDate: localDateOf(receivedIso, zone),
    response: kpiClock(c, policies.get('response'), ruleset),
    completion: kpiClock(c, policies.get(caseType === 'complaint' ? 'resolution' : 'completion'), ruleset),
    voidedAt: ms(voided),
    rejectedAt: c.caseType === 'complaint' ? ms(c.facts.rejectedAt) : null,
    closedAt: ms(facts.closedAt),
    closedDate: facts.closedAt === null ? null : localDateOf(facts.closedAt, zone),
    closedWithCallback: facts.closedAt !== null && !facts.closedWithoutCallback,
    ratings: facts.allCallbacks.map((r) => ({ at: ms(r.at)!, date: localDateOf(r.at, zone), satisfied: isSatisfied(r.satisfaction) })),
  };
};
