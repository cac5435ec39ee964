import type Database from 'better-sqlite3';
import { clockStatusSql, liveClockSql } from './clock-status.js';

export interface DashboardFilters {
  readonly building?: string | undefined;
  readonly category?: string | undefined;
  readonly department?: string | undefined;
  readonly technicianId?: string | undefined;
}

/** A clock of an open case that needs attention: at risk, or past its deadline. */
export interface ClockAlert {
  readonly caseType: string;
  readonly caseId: string;
  readonly clock: string;
  readonly status: 'at_risk' | 'missed';
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
  readonly atRisk: ClockAlert[];
  readonly missed: ClockAlert[];
  readonly intake: Record<'complaint' | 'repair', Intake>;
  readonly load: {
    readonly departments: Array<{ department: string; open: number }>;
    readonly technicians: Array<{ technicianId: string; open: number }>;
    readonly unassigned: Record<'complaint' | 'repair', number>;
  };
}

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
const bump = (counts: Record<string, number>, key: string | null, by: number) => {
  const name = key ?? 'unknown';
  counts[name] = (counts[name] ?? 0) + by;
};

interface AlertRow {
  case_type: string; case_id: string; clock: string; status: 'at_risk' | 'missed'; deadline: number; state: string;
  place: string | null; building: string | null; category: string | null; department: string | null; technician_id: string | null;
}

/**
 * The dashboard's figures for one property, from the `cases` read model, at `now` (epoch ms):
 * every query is one indexed SQL statement (cases_open, cases_by_received, case_clocks_running_deadline).
 * `today` is the local date (YYYY-MM-DD) in the property's zone.
 */
export const dashboardFigures = (db: Database.Database, q: { propertyId: string; now: number; today: string; filters: DashboardFilters }): DashboardFigures => {
  const f = whereFilters(q.filters);
  const base = { ...f.params, propertyId: q.propertyId };
  const openCases = `c.property_id = @propertyId AND c.open = 1${f.sql}`;

  const open = perType(() => ({ total: 0, byState: {} as Record<string, number> }));
  const byState = db.prepare(`SELECT c.case_type, c.state, count(*) AS n FROM cases c WHERE ${openCases} GROUP BY c.case_type, c.state ORDER BY c.case_type, c.state`)
    .all(base) as Array<{ case_type: string; state: string; n: number }>;
  for (const row of byState) {
    if (!isCaseType(row.case_type)) continue;
    open[row.case_type].total += row.n;
    open[row.case_type].byState[row.state] = row.n;
  }

  const alerts = db.prepare(`SELECT * FROM (
      SELECT k.case_type, k.case_id, k.clock, ${clockStatusSql('k')} AS status, k.deadline, c.state, c.place, c.building, c.category, c.department, c.technician_id
      FROM case_clocks k JOIN cases c ON c.case_type = k.case_type AND c.case_id = k.case_id
      WHERE k.property_id = @propertyId AND ${liveClockSql('k')} AND ${openCases}
    ) WHERE status IN ('at_risk', 'missed') ORDER BY deadline, case_type, case_id, clock`)
    .all({ ...base, now: q.now }) as AlertRow[];
  const alert = (row: AlertRow): ClockAlert => ({
    caseType: row.case_type, caseId: row.case_id, clock: row.clock, status: row.status,
    deadline: new Date(row.deadline).toISOString(), remainingMinutes: Math.floor((row.deadline - q.now) / 60_000),
    state: row.state, place: row.place, building: row.building, category: row.category, department: row.department, technicianId: row.technician_id,
  });

  const intake = perType((): Intake => ({ total: 0, byChannel: {}, byCategory: {} }));
  const received = db.prepare(`SELECT c.case_type, c.channel, c.category, count(*) AS n FROM cases c
      WHERE c.property_id = @propertyId AND c.received_date = @today${f.sql} GROUP BY c.case_type, c.channel, c.category`)
    .all({ ...base, today: q.today }) as Array<{ case_type: string; channel: string | null; category: string | null; n: number }>;
  for (const row of received) {
    if (!isCaseType(row.case_type)) continue;
    const into = intake[row.case_type];
    into.total += row.n;
    bump(into.byChannel, row.channel, row.n);
    bump(into.byCategory, row.category, row.n);
  }

  const departments = db.prepare(`SELECT c.department, count(*) AS open FROM cases c WHERE ${openCases} AND c.department IS NOT NULL
      GROUP BY c.department ORDER BY open DESC, c.department`).all(base) as Array<{ department: string; open: number }>;
  const technicians = db.prepare(`SELECT c.technician_id AS technicianId, count(*) AS open FROM cases c WHERE ${openCases} AND c.technician_id IS NOT NULL
      GROUP BY c.technician_id ORDER BY open DESC, c.technician_id`).all(base) as Array<{ technicianId: string; open: number }>;
  const unassigned = perType(() => 0);
  const idle = db.prepare(`SELECT c.case_type, count(*) AS n FROM cases c WHERE ${openCases} AND c.department IS NULL AND c.technician_id IS NULL
      GROUP BY c.case_type`).all(base) as Array<{ case_type: string; n: number }>;
  for (const row of idle) if (isCaseType(row.case_type)) unassigned[row.case_type] = row.n;

  return {
    open,
    atRisk: alerts.filter((row) => row.status === 'at_risk').map(alert),
    missed: alerts.filter((row) => row.status === 'missed').map(alert),
    intake,
    load: { departments, technicians, unassigned },
  };
};

/** Open cases per property and case type: for the metrics. */
export const openCaseCounts = (db: Database.Database) =>
  db.prepare('SELECT property_id, case_type, count(*) AS n FROM cases WHERE open = 1 GROUP BY property_id, case_type')
    .all() as Array<{ property_id: string; case_type: string; n: number }>;

/** Live clocks of open cases at risk or missed at `now`, per property, case type, clock and status: for the metrics. */
export const clockAlertCounts = (db: Database.Database, now: number) =>
  db.prepare(`SELECT * FROM (
      SELECT k.property_id, k.case_type, k.clock, ${clockStatusSql('k')} AS status, count(*) AS n
      FROM case_clocks k JOIN cases c ON c.case_type = k.case_type AND c.case_id = k.case_id
      WHERE c.open = 1 AND ${liveClockSql('k')} GROUP BY k.property_id, k.case_type, k.clock, status
    ) WHERE status IN ('at_risk', 'missed')`)
    .all({ now }) as Array<{ property_id: string; case_type: string; clock: string; status: 'at_risk' | 'missed'; n: number }>;
