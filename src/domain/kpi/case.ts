import { localDateOf, startOfLocalDate } from '../calendar/days.js';
import { isEngineError } from '../../errors.js';
import { Temporal } from 'temporal-polyfill';
import type { CaseType } from '../events/envelope.js';
import { collectedFen, waivedFen } from '../fee/facts.js';
import { isSatisfied } from '../events/shared.js';
import type { Ruleset } from '../ruleset/ruleset.js';
import type { SlaPolicy } from '../ruleset/schema.js';
import { toClockDuration } from '../sla/clocks.js';
import { milestoneAt, pausesOf, type CaseFacts } from '../sla/milestones.js';
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
  readonly caseType: 'complaint' | 'repair' | 'visit';
  readonly caseId: string;
  readonly propertyId: string;
  readonly receivedAt: number;
  /** Local date of receipt in the property's zone: the case's reporting period. */
  readonly receivedDate: string;
  /** Complaint: handling started; repair: dispatched; visit: answered or referred. */
  readonly response: KpiClock | null;
  /** Complaint: resolution (the last one, not reopened since); repair: completion (the last one, no rework since); visit: none. */
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
  const ledger = policy.pausedIn.includes('paused') ? pausesOf(c) : [];
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

/** A case's KPI inputs; `c` is a complaint, repair or visit. */
const caseKpi = (c: CaseFacts & { caseType: 'complaint' | 'repair' | 'visit' }, caseId: string, ruleset: Ruleset): KpiCase => {
  const { caseType, facts } = c;
  const zone = ruleset.property(facts.propertyId)!.timeZone;
  const policies = ruleset.policiesFor({
    caseType, category: facts.category, ...(c.caseType === 'repair' ? { complexity: c.facts.complexity } : {}),
  });
  const receivedIso = c.caseType === 'repair' ? c.facts.reportedAt! : c.facts.receivedAt!;
  const voided = c.caseType === 'complaint' ? c.facts.withdrawnAt : c.caseType === 'repair' ? c.facts.cancelledAt : null;
  const callbacks = c.caseType === 'visit' ? { closedWithCallback: false, allCallbacks: [] } : { closedWithCallback: !c.facts.closedWithoutCallback, allCallbacks: c.facts.allCallbacks };
  return {
    caseType,
    caseId,
    propertyId: facts.propertyId,
    receivedAt: ms(receivedIso)!,
    receivedDate: reportingDateOf(c, zone)!,
    response: kpiClock(c, policies.get('response'), ruleset),
    completion: caseType === 'visit' ? null : kpiClock(c, policies.get(caseType === 'complaint' ? 'resolution' : 'completion'), ruleset),
    voidedAt: ms(voided),
    rejectedAt: c.caseType === 'complaint' ? ms(c.facts.rejectedAt) : null,
    closedAt: ms(facts.closedAt),
    closedDate: facts.closedAt === null ? null : localDateOf(facts.closedAt, zone),
    closedWithCallback: facts.closedAt !== null && callbacks.closedWithCallback,
    ratings: callbacks.allCallbacks.map((r) => ({ at: ms(r.at)!, date: localDateOf(r.at, zone), satisfied: isSatisfied(r.satisfaction) })),
  };
};

/**
 * A unit's fee ledger for one billing month as fee.collection_rate counts it: what was billed,
 * waived and collected (net of refunds), and when it falls due. It belongs to the reporting
 * period of its billing month.
 */
export interface FeeKpi {
  readonly caseType: 'fee';
  readonly caseId: string;
  readonly propertyId: string;
  /** The first day of the billing month. */
  readonly receivedDate: string;
  readonly billedFen: number;
  readonly waivedFen: number;
  readonly collectedFen: number;
  /** Epoch ms of the end of the due date (24:00 local): until then an unpaid bill is not in arrears. */
  readonly dueBy: number;
}

/** A community activity as the activity KPIs count it. */
export interface ActivityKpi {
  readonly caseType: 'activity';
  readonly caseId: string;
  readonly propertyId: string;
  /** The day it was held. */
  readonly receivedDate: string;
  readonly participants: number;
  /** The property's households under the case's ruleset; null when the ruleset states none. */
  readonly households: number | null;
}

/** A check (of an owner's record, or of a procedure) as archive.accuracy and inspection.pass_rate count it. */
export interface CheckKpi {
  readonly caseType: 'archive_check' | 'inspection';
  readonly caseId: string;
  readonly propertyId: string;
  /** The local day of the check. */
  readonly receivedDate: string;
  /** The record was correct; the procedure passed. */
  readonly passed: boolean;
}

/** What the agreement's KPIs count, one record at a time: a case, a fee ledger, an activity or a check. */
export type KpiRecord = KpiCase | FeeKpi | ActivityKpi | CheckKpi;

/** The local instant a date ends, as epoch ms: where the next day begins in the zone. */
const endOfDay = (date: string, zone: string): number => startOfLocalDate(Temporal.PlainDate.from(date).add({ days: 1 }).toString(), zone);

/**
 * The local date that places a record in a reporting period: the day a case was received (a
 * repair reported), the first day of a fee ledger's billing month, the day an activity was held,
 * the day a check was made. The read model dates its rows by it too. Null before the record exists.
 */
export const reportingDateOf = (c: CaseFacts, zone: string): string | null => {
  const localDate = (iso: string | null) => (iso === null ? null : localDateOf(iso, zone));
  switch (c.caseType) {
    case 'complaint':
    case 'visit': return localDate(c.facts.receivedAt);
    case 'repair': return localDate(c.facts.reportedAt);
    case 'fee': return c.facts.period === '' ? null : `${c.facts.period}-01`;
    case 'activity': return c.facts.heldOn === '' ? null : c.facts.heldOn;
    case 'archive_check': return localDate(c.facts.checkedAt);
    case 'inspection': return localDate(c.facts.inspectedAt);
  }
};

/** The KPI inputs of any record, under the ruleset it counts by. */
export const kpiCaseOf = (caseType: CaseType, caseId: string, facts: unknown, ruleset: Ruleset): KpiRecord => {
  const c = { caseType, facts } as CaseFacts;
  const property = ruleset.property((facts as { propertyId: string }).propertyId)!;
  const zone = property.timeZone;
  switch (c.caseType) {
    case 'complaint':
    case 'repair':
    case 'visit':
      return caseKpi(c, caseId, ruleset);
    case 'fee':
      return {
        caseType: 'fee', caseId, propertyId: c.facts.propertyId, receivedDate: reportingDateOf(c, zone)!,
        billedFen: c.facts.billedFen, waivedFen: waivedFen(c.facts), collectedFen: collectedFen(c.facts), dueBy: endOfDay(c.facts.dueDate, zone),
      };
    case 'activity':
      return {
        caseType: 'activity', caseId, propertyId: c.facts.propertyId, receivedDate: reportingDateOf(c, zone)!,
        participants: c.facts.participants, households: property.households ?? null,
      };
    case 'archive_check':
      return { caseType: 'archive_check', caseId, propertyId: c.facts.propertyId, receivedDate: reportingDateOf(c, zone)!, passed: c.facts.correct };
    case 'inspection':
      return { caseType: 'inspection', caseId, propertyId: c.facts.propertyId, receivedDate: reportingDateOf(c, zone)!, passed: c.facts.passed };
  }
};
