import type { KpiCase, KpiClock, KpiRecord } from '../../domain/kpi/case.js';

/**
 * A case's KPI inputs as the `case_kpis` table keeps them: positional JSON, without the property
 * (the key a report reads by). A compliance report reads every case of a property, and parsing
 * the full objects was most of its time; so was reading more than this one column.
 */
type StoredClock = [policyId: string, deadline: number | null, stoppedAt: number | null, pausedSince: number | null, undetermined?: string];
type StoredKpi = [
  caseType: KpiCase['caseType'],
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

const kpiClock = (stored: StoredClock | null): KpiClock | null => {
  if (stored === null) return null;
  const [policyId, deadline, stoppedAt, pausedSince, undetermined] = stored;
  return undetermined === undefined ? { policyId, deadline, stoppedAt, pausedSince } : { policyId, deadline, stoppedAt, pausedSince, undetermined };
};

/** The other records, by type: as short, with their type first as a case's. */
type StoredFee = [caseType: 'fee', caseId: string, receivedDate: string, billedFen: number, waivedFen: number, collectedFen: number, dueBy: number];
type StoredActivity = [caseType: 'activity', caseId: string, receivedDate: string, participants: number, households: number | null];
type StoredCheck = [caseType: 'archive_check' | 'inspection', caseId: string, receivedDate: string, passed: 0 | 1];

export const encodeKpiCase = (r: KpiRecord): string => {
  switch (r.caseType) {
    case 'fee': return JSON.stringify([r.caseType, r.caseId, r.receivedDate, r.billedFen, r.waivedFen, r.collectedFen, r.dueBy] satisfies StoredFee);
    case 'activity': return JSON.stringify([r.caseType, r.caseId, r.receivedDate, r.participants, r.households] satisfies StoredActivity);
    case 'archive_check':
    case 'inspection': return JSON.stringify([r.caseType, r.caseId, r.receivedDate, r.passed ? 1 : 0] satisfies StoredCheck);
    default: return encodeCase(r);
  }
};

const encodeCase = (c: KpiCase): string =>
  JSON.stringify([
    c.caseType, c.caseId, c.receivedAt, c.receivedDate, storedClock(c.response), storedClock(c.completion), c.voidedAt, c.rejectedAt, c.closedAt, c.closedDate,
    c.closedWithCallback ? 1 : 0, c.ratings.map((r) => [r.at, r.date, r.satisfied ? 1 : 0]),
  ] satisfies StoredKpi);

/** The row's property_id and kpi. */
export const decodeKpiCase = (propertyId: string, kpi: string): KpiRecord => {
  const stored = JSON.parse(kpi) as StoredKpi | StoredFee | StoredActivity | StoredCheck;
  switch (stored[0]) {
    case 'fee': {
      const [caseType, caseId, receivedDate, billedFen, waivedFen, collectedFen, dueBy] = stored as StoredFee;
      return { caseType, caseId, propertyId, receivedDate, billedFen, waivedFen, collectedFen, dueBy };
    }
    case 'activity': {
      const [caseType, caseId, receivedDate, participants, households] = stored as StoredActivity;
      return { caseType, caseId, propertyId, receivedDate, participants, households };
    }
    case 'archive_check':
    case 'inspection': {
      const [caseType, caseId, receivedDate, passed] = stored as StoredCheck;
      return { caseType, caseId, propertyId, receivedDate, passed: passed === 1 };
    }
  }
  const [caseType, caseId, receivedAt, receivedDate, response, completion, voidedAt, rejectedAt, closedAt, closedDate, closedWithCallback, ratings] = stored as StoredKpi;
  return {
    caseType, caseId, propertyId, receivedAt, receivedDate,
    response: kpiClock(response), completion: kpiClock(completion), voidedAt, rejectedAt, closedAt, closedDate,
    closedWithCallback: closedWithCallback === 1,
    ratings: ratings.map(([at, date, satisfied]) => ({ at, date, satisfied: satisfied === 1 })),
  };
};
