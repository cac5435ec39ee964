import type Database from 'better-sqlite3';
import type { QueueId } from '../domain/record/queues.js';
import { alertCandidateSql, clockStatusSql, liveClockSql } from './clock-status.js';
import { queueCounts } from './search/queues.js';

export interface DashboardFilters {
  readonly building?: string | undefined;
  readonly category?: string | undefined;
  readonly department?: string | undefined;
  readonly technicianId?: string | undefined;
}

type AlertStatus = 'at_risk' | 'missed';
const perStatus = <T>(make: () => T): Record<AlertStatus, T> => ({ at_risk: make(), missed: make() });

/** A clock of an open case that needs attention: at risk, or past its deadline. */
export interface ClockAlert {
  readonly caseType: string;
  readonly caseId: string;
  readonly clock: string;
  readonly status: AlertStatus;
  readonly deadline: string;
  /** Whole minutes left until the deadline, rounded down: negative once it has passed. */
  readonly remainingMinutes: number;
  readonly state: string;
  readonly place: string | null;
  readonly building: string | null;
  readonly category: string | null;
  readonly department: string | null;
  readonly technicianId: string | null;
}

export interface Intake {
  total: number;
  readonly byChannel: Record<string, number>;
  readonly byCategory: Record<string, number>;
}

export interface DashboardFigures {
  readonly open: Record<'complaint' | 'repair', { total: number; byState: Record<string, number> }>;
  /** Every clock at risk (or missed) counted; the first `limit` of them listed, the nearest deadline first. */
  readonly atRisk: { total: number; items: ClockAlert[] };
  readonly missed: { total: number; items: ClockAlert[] };
  readonly intake: Record<'complaint' | 'repair', Intake>;
  readonly load: {
    readonly departments: Array<{ department: string; open: number }>;
    readonly technicians: Array<{ technicianId: string; open: number }>;
    readonly unassigned: Record<'complaint' | 'repair', number>;
  };
  /** The property's work queues counted, as GET /v1/queues answers: not narrowed by the filters, which the queues do not take. */
  readonly queues: Record<QueueId, number>;
}

/**
 * Covering indexes for the dashboard: a `cases` row carries its facts and KPI inputs as JSON (most
 * of a kilobyte), so counting and listing open cases from the table reads every fat row; these
 * indexes hold every column the dashboard reads, so it reads none of the rows (docs/performance.md).
 */
const DASHBOARD_INDEXES = {
  cases_dashboard_open: 'cases (property_id, open, case_type, case_id, state, category, building, department, technician_id, place)',
  cases_dashboard_intake: 'cases (property_id, received_date, case_type, channel, category, building, department, technician_id)',
} as const;

/**
 * Creates the dashboard's indexes where the `cases` table exists without them (a new read model,
 * or one the runner rebuilt since). A connection that may not write keeps answering, only slower.
 */
export const ensureDashboardIndexes = (db: Database.Database): void => {
  const names = Object.keys(DASHBOARD_INDEXES);
  const present = db
    .prepare(`SELECT name FROM sqlite_master WHERE name IN (${names.map(() => '?').join(', ')}) OR (type = 'table' AND name = 'cases')`)
    .pluck()
    .all(...names) as string[];
  if (!present.includes('cases') || present.length === names.length + 1) return;
  try {
    for (const [name, on] of Object.entries(DASHBOARD_INDEXES)) db.exec(`CREATE INDEX IF NOT EXISTS ${name} ON ${on}`);
  } catch {
    // Read-only or busy: the queries do not depend on the indexes.
  }
};

const filterColumns = { building: 'building', category: 'category', department: 'department', technicianId: 'technician_id' } as const;

/** `AND c.col = @name` for each filter given, and the parameters they bind. */
const whereFilters = (filters: DashboardFilters) => {
  const given = (Object.keys(filterColumns) as Array<keyof typeof filterColumns>).filter((name) => filters[name] !== undefined);
  return {
    sql: given.map((name) => ` AND c.${filterColumns[name]} = @${name}`).join(''),
    params: Object.fromEntries(given.map((name) => [name, filters[name]])) as Record<string, string>,
  };
};

const perType = <T>(make: () => T) => ({ complaint: make(), repair: make() });
const isCaseType = (value: string): value is 'complaint' | 'repair' => value === 'complaint' || value === 'repair';
/** Adds to a count; a value not recorded (repairs have no channel) is not counted. */
const bump = (counts: Record<string, number>, key: string | null, by: number) => {
  if (key !== null) counts[key] = (counts[key] ?? 0) + by;
};

interface AlertRow {
  case_type: string;
  case_id: string;
  clock: string;
  status: AlertStatus;
  deadline: number;
  state: string;
  place: string | null;
  building: string | null;
  category: string | null;
  department: string | null;
  technician_id: string | null;
}

/** Which figures: a property's, at `now` (epoch ms) and on its local date `today`, filtered, each list of clocks at most `limit` long. */
export interface DashboardFiguresQuery {
  readonly propertyId: string;
  readonly now: number;
  readonly today: string;
  readonly filters: DashboardFilters;
  readonly limit: number;
  /** The rules' `pausedLongHours` in milliseconds, for the `paused_long` queue (the thread may hold an older ruleset). */
  readonly pausedLongMs: number;
}

/**
 * The dashboard's figures for one property, from the `cases` read model, at `now` (epoch ms):
 * every figure is one SQL statement on covering indexes (DASHBOARD_INDEXES) and the clocks' primary key,
 * and the work queues are counted as GET /v1/queues counts them, on the same connection.
 */

export const dashboardFigures = (db: Database.Database, q: DashboardFiguresQuery): DashboardFigures => {
  ensureDashboardIndexes(db);
  const f = whereFilters(q.filters);
  const base = { ...f.params, propertyId: q.propertyId };
  const openCases = `c.property_id = @propertyId AND c.open = 1${f.sql}`;

  const open = perType(() => ({ total: 0, byState: {} as Record<string, number> }));
  const byState = db
    .prepare(`SELECT c.case_type, c.state, count(*) AS n FROM cases c WHERE ${openCases} GROUP BY c.case_type, c.state ORDER BY c.case_type, c.state`)
    .all(base) as Array<{ case_type: string; state: string; n: number }>;
  for (const row of byState) {
    if (!isCaseType(row.case_type)) continue;
    open[row.case_type].total += row.n;
    open[row.case_type].byState[row.state] = row.n;
  }

  // The clocks that need attention, counted, and the first `limit` of each kind by deadline: read
  // from the clocks whose at-risk time or deadline has come (alertCandidateSql), then their cases.
  const attention = `SELECT * FROM (
      SELECT k.case_type, k.case_id, k.clock, ${clockStatusSql('k')} AS status, k.deadline, c.state, c.place, c.building, c.category, c.department, c.technician_id
      FROM case_clocks k CROSS JOIN cases c ON c.case_type = k.case_type AND c.case_id = k.case_id
      WHERE ${alertCandidateSql('k')} AND ${liveClockSql('k')} AND ${openCases}
    ) WHERE status IN ('at_risk', 'missed')`;
  const params = { ...base, now: q.now, limit: q.limit };
  const totals = perStatus(() => 0);
  for (const row of db.prepare(`SELECT status, count(*) AS n FROM (${attention}) GROUP BY status`).all(params) as Array<{ status: AlertStatus; n: number }>) {
    totals[row.status] = row.n;
  }
  const first = (status: AlertStatus) =>
    (
      db
        .prepare(`SELECT * FROM (${attention}) WHERE status = @status ORDER BY deadline, case_type, case_id, clock LIMIT @limit`)
        .all({ ...params, status }) as AlertRow[]
    ).map(alert);
  const alert = (row: AlertRow): ClockAlert => ({
    caseType: row.case_type,
    caseId: row.case_id,
    clock: row.clock,
    status: row.status,
    deadline: new Date(row.deadline).toISOString(),
    remainingMinutes: Math.floor((row.deadline - q.now) / 60_000),
    state: row.state,
    place: row.place,
    building: row.building,
    category: row.category,
    department: row.department,
    technicianId: row.technician_id,
  });

  const intake = perType((): Intake => ({ total: 0, byChannel: {}, byCategory: {} }));
  const received = db
    .prepare(`SELECT c.case_type, c.channel, c.category, count(*) AS n FROM cases c
      WHERE c.property_id = @propertyId AND c.received_date = @today${f.sql} GROUP BY c.case_type, c.channel, c.category`)
    .all({ ...base, today: q.today }) as Array<{ case_type: string; channel: string | null; category: string | null; n: number }>;
  for (const row of received) {
    if (!isCaseType(row.case_type)) continue;
    const into = intake[row.case_type];
    into.total += row.n;
    bump(into.byChannel, row.channel, row.n);
    bump(into.byCategory, row.category, row.n);
  }

  const departments = db
    .prepare(`SELECT c.department, count(*) AS open FROM cases c WHERE ${openCases} AND c.department IS NOT NULL
      GROUP BY c.department ORDER BY open DESC, c.department`)
    .all(base) as Array<{ department: string; open: number }>;
  const technicians = db
    .prepare(`SELECT c.technician_id AS technicianId, count(*) AS open FROM cases c WHERE ${openCases} AND c.technician_id IS NOT NULL
      GROUP BY c.technician_id ORDER BY open DESC, c.technician_id`)
    .all(base) as Array<{ technicianId: string; open: number }>;
  const unassigned = perType(() => 0);
  const idle = db
    .prepare(`SELECT c.case_type, count(*) AS n FROM cases c WHERE ${openCases} AND c.department IS NULL AND c.technician_id IS NULL
      GROUP BY c.case_type`)
    .all(base) as Array<{ case_type: string; n: number }>;
  for (const row of idle) if (isCaseType(row.case_type)) unassigned[row.case_type] = row.n;

  return {
    open,
    atRisk: { total: totals.at_risk, items: first('at_risk') },
    missed: { total: totals.missed, items: first('missed') },
    intake,
    load: { departments, technicians, unassigned },
    queues: queueCounts(db, q.propertyId, { now: q.now, pausedLongMs: q.pausedLongMs }),
  };
};

/** Open cases per property and case type: for the metrics. */
export const openCaseCounts = (db: Database.Database) => {
  ensureDashboardIndexes(db);
  return db.prepare('SELECT property_id, case_type, count(*) AS n FROM cases WHERE open = 1 GROUP BY property_id, case_type').all() as OpenCaseCount[];
};
export interface OpenCaseCount {
  readonly property_id: string;
  readonly case_type: string;
  readonly n: number;
}

/** Live clocks of open cases at risk or missed at `now`, per property, case type, clock and status: for the metrics. */
export const clockAlertCounts = (db: Database.Database, now: number) =>
  db
    .prepare(`SELECT * FROM (
      SELECT k.property_id, k.case_type, k.clock, ${clockStatusSql('k')} AS status, count(*) AS n
      FROM case_clocks k JOIN cases c ON c.case_type = k.case_type AND c.case_id = k.case_id AND c.open = 1
      WHERE ${alertCandidateSql('k')} AND ${liveClockSql('k')} GROUP BY k.property_id, k.case_type, k.clock, status
    ) WHERE status IN ('at_risk', 'missed')`)
    .all({ now }) as ClockAlertCount[];
export interface ClockAlertCount {
  readonly property_id: string;
  readonly case_type: string;
  readonly clock: string;
  readonly status: 'at_risk' | 'missed';
  readonly n: number;
}

/** What /metrics reports of the read model at `now` (epoch ms). */
export interface CaseCounts {
  readonly open: readonly OpenCaseCount[];
  readonly alerts: readonly ClockAlertCount[];
}

/**
 * The read model's tables (or the full-text table a list of its terms reads) are not set up yet, or
 * are being rebuilt (the error may have crossed from the projection thread as a message).
 */
export const isMissingTable = (error: unknown): boolean => error instanceof Error && /no such (fts5 )?table/.test(error.message);

/** A read model not set up yet (or being rebuilt) counts nothing rather than failing the scrape. */
const unlessMissing = <T>(read: () => T[]): T[] => {
  try {
    return read();
  } catch (error) {
    if (isMissingTable(error)) return [];
    throw error;
  }
};

/**
 * Open cases and alerting clocks, counted. Both read every open case, so the server asks its
 * projection thread to run them on its own connection (ProjectionThread.caseCounts), off the
 * thread that answers requests.
 */
export const caseCounts = (db: Database.Database, now: number): CaseCounts => ({
  open: unlessMissing(() => openCaseCounts(db)),
  alerts: unlessMissing(() => clockAlertCounts(db, now)),
});
