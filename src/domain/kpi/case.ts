import { localDateOf } from '../calendar/days.js';
import { isEngineError } from '../../errors.js';
import type { CallbackFact } from '../case/machine-event.js';
import { isSatisfied, type ClockId } from '../events/shared.js';
import type { Ruleset } from '../ruleset/ruleset.js';
import type { SlaPolicy } from '../ruleset/schema.js';
import { toClockDuration } from '../sla/clocks.js';
import type { ClockSubject } from '../sla/subject.js';
import { deadlineOfNanos, epochMillis, epochNanos, floorMillis, type NanoInterval } from '../time/index.js';
import type { KpiRecordBase } from './record.js';

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
 * What the agreement's KPIs need to know about one case (a record with clocks: a complaint, a
 * repair, a visit): compact, JSON-serialisable, computed once per event by the projection under
 * the ruleset the case was received with.
 */
export interface KpiCase extends KpiRecordBase {
  readonly receivedAt: number;
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

/** What a record with clocks tells its KPI inputs, beside its clocks. */
export interface CaseKpiFacts {
  readonly receivedAt: string;
  /** The clock that completes its work (resolution, completion); none for a visit. */
  readonly completionClock: ClockId | null;
  readonly voidedAt: string | null;
  readonly rejectedAt: string | null;
  readonly closedAt: string | null;
  readonly closedWithCallback: boolean;
  readonly callbacks: readonly CallbackFact[];
}

const ms = (iso: string | null): number | null => (iso === null ? null : epochMillis(iso));

const kpiClock = (c: ClockSubject, policy: SlaPolicy | undefined, ruleset: Ruleset): KpiClock | null => {
  if (!policy) return null;
  const started = c.milestoneAt(policy.starts);
  if (started === null) return null;
  const stopped = ms(c.milestoneAt(policy.stops));
  const ledger = policy.pausedIn.length > 0 ? c.pauses : [];
  const open = ledger.find((p) => p.end === null);
  const closed: NanoInterval[] = ledger.filter((p) => p.end !== null).map((p) => ({ start: epochNanos(p.start), end: epochNanos(p.end!) }));
  const calendar = ruleset.property(c.propertyId)!.businessCalendar;
  const start = epochNanos(started);
  try {
    const { deadline } = deadlineOfNanos(calendar, toClockDuration(policy), start, closed, start);
    return { policyId: policy.id, deadline: floorMillis(deadline), stoppedAt: stopped, pausedSince: open ? ms(open.start) : null };
  } catch (error) {
    if (!isEngineError(error)) throw error;
    return { policyId: policy.id, deadline: null, stoppedAt: stopped, pausedSince: null, undetermined: error.message };
  }
};

/** A case's KPI inputs, under the ruleset it counts by. */
export const caseKpi = (c: ClockSubject, caseId: string, facts: CaseKpiFacts, receivedDate: string, ruleset: Ruleset): KpiCase => {
  const zone = ruleset.property(c.propertyId)!.timeZone;
  const policies = ruleset.policiesFor({ caseType: c.caseType, category: c.category, ...(c.complexity === undefined ? {} : { complexity: c.complexity }) });
  return {
    caseType: c.caseType,
    caseId,
    propertyId: c.propertyId,
    receivedAt: ms(facts.receivedAt)!,
    receivedDate,
    response: kpiClock(c, policies.get('response'), ruleset),
    completion: facts.completionClock === null ? null : kpiClock(c, policies.get(facts.completionClock), ruleset),
    voidedAt: ms(facts.voidedAt),
    rejectedAt: ms(facts.rejectedAt),
    closedAt: ms(facts.closedAt),
    closedDate: facts.closedAt === null ? null : localDateOf(facts.closedAt, zone),
    closedWithCallback: facts.closedAt !== null && facts.closedWithCallback,
    ratings: facts.callbacks.map((r) => ({ at: ms(r.at)!, date: localDateOf(r.at, zone), satisfied: isSatisfied(r.satisfaction) })),
  };
};

/**
 * A case's KPI inputs as the `case_kpis` table keeps them: positional JSON, without the property
 * (the key a report reads by). A compliance report reads every case of a property, and parsing
 * the full objects was most of its time.
 */
type StoredClock = [policyId: string, deadline: number | null, stoppedAt: number | null, pausedSince: number | null, undetermined?: string];
type StoredCase = [
  caseType: string,
  caseId: string,
  receivedAt: number,
  receivedDate: string,
  response: StoredClock | null,
  completion: StoredClock | null,
  voidedAt: number | null,
  rejectedAt: number | null,
  closedAt: number | null,
  closedDate: string | null,
  closedWithCallback: 0 | 1,
  ratings: Array<[at: number, date: string, satisfied: 0 | 1]>,
];

const storedClock = (clock: KpiClock | null): StoredClock | null => {
  if (clock === null) return null;
  const stored: StoredClock = [clock.policyId, clock.deadline, clock.stoppedAt, clock.pausedSince];
  if (clock.undetermined !== undefined) stored.push(clock.undetermined);
  return stored;
};

const readClock = (stored: StoredClock | null): KpiClock | null => {
  if (stored === null) return null;
  const [policyId, deadline, stoppedAt, pausedSince, undetermined] = stored;
  return undetermined === undefined ? { policyId, deadline, stoppedAt, pausedSince } : { policyId, deadline, stoppedAt, pausedSince, undetermined };
};

export const storedKpiCase = (c: KpiCase): unknown[] =>
  [
    c.caseType,
    c.caseId,
    c.receivedAt,
    c.receivedDate,
    storedClock(c.response),
    storedClock(c.completion),
    c.voidedAt,
    c.rejectedAt,
    c.closedAt,
    c.closedDate,
    c.closedWithCallback ? 1 : 0,
    c.ratings.map((r) => [r.at, r.date, r.satisfied ? 1 : 0]),
  ] satisfies StoredCase;

export const kpiCaseFromStored = (stored: readonly unknown[], propertyId: string): KpiCase => {
  const [caseType, caseId, receivedAt, receivedDate, response, completion, voidedAt, rejectedAt, closedAt, closedDate, closedWithCallback, ratings] =
    stored as StoredCase;
  return {
    caseType,
    caseId,
    propertyId,
    receivedAt,
    receivedDate,
    response: readClock(response),
    completion: readClock(completion),
    voidedAt,
    rejectedAt,
    closedAt,
    closedDate,
    closedWithCallback: closedWithCallback === 1,
    ratings: ratings.map(([at, date, satisfied]) => ({ at, date, satisfied: satisfied === 1 })),
  };
};
