import type Database from 'better-sqlite3';

/**
 * The `cases` read model: one row a case, and one row a case and SLA clock. Instants are epoch
 * milliseconds; a clock's instants are null until they happen (or cannot be computed: see `error`).
 *
 * `cases` and `case_clocks` keep their rows in rowid order, in the order they were first written,
 * with the key in its own index: a rebuild writes cases as they end, in no order of their ids, and
 * rows kept in key order (WITHOUT ROWID) dirtied a page of the table for almost every case written.
 * Either layout answers the same queries, so tables made before stay as they are.
 */
export const CASES_DDL = `
CREATE TABLE IF NOT EXISTS cases (
  case_type        TEXT    NOT NULL,
  case_id          TEXT    NOT NULL,
  property_id      TEXT    NOT NULL,
  number           TEXT,
  state            TEXT    NOT NULL,
  open             INTEGER NOT NULL,
  queue            TEXT,
  category         TEXT,
  channel          TEXT,
  complexity       TEXT,
  place            TEXT,
  building         TEXT,
  department       TEXT,
  technician_id    TEXT,
  received_at      INTEGER,
  received_date    TEXT,
  revision         INTEGER NOT NULL,
  ruleset_version  TEXT    NOT NULL,
  last_recorded_at INTEGER NOT NULL,
  facts            TEXT    NOT NULL,
  PRIMARY KEY (case_type, case_id)
);
CREATE INDEX IF NOT EXISTS cases_by_received ON cases (property_id, received_date);
CREATE INDEX IF NOT EXISTS cases_open ON cases (property_id, open, state);
CREATE INDEX IF NOT EXISTS cases_by_ruleset ON cases (ruleset_version);
-- The records waiting in a work queue of their state (the queues of the clocks are the clocks').
CREATE INDEX IF NOT EXISTS cases_queued ON cases (property_id, queue) WHERE queue IS NOT NULL;
-- A work-order number is unique within its property; a record opened before numbers has none.
CREATE INDEX IF NOT EXISTS cases_by_number ON cases (number) WHERE number IS NOT NULL;
-- A search by unit (or the start of one): search/case-list.ts.
CREATE INDEX IF NOT EXISTS cases_by_place ON cases (property_id, place);
-- Lists newest first, in the order of their pages (search/case-list.ts), read from the top, not sorted:
-- a property's records, and a technician's (their jobs on a phone).
CREATE INDEX IF NOT EXISTS cases_newest ON cases (property_id, coalesce(received_at, 0) DESC, case_type DESC, case_id DESC);
CREATE INDEX IF NOT EXISTS cases_by_technician ON cases (property_id, technician_id, coalesce(received_at, 0) DESC, case_type DESC, case_id DESC)
  WHERE technician_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS case_clocks (
  case_type        TEXT    NOT NULL,
  case_id          TEXT    NOT NULL,
  property_id      TEXT    NOT NULL,
  clock            TEXT    NOT NULL,
  policy_id        TEXT    NOT NULL,
  kind             TEXT    NOT NULL,
  started_at       INTEGER,
  stopped_at       INTEGER,
  ended_at         INTEGER,
  deadline         INTEGER,
  at_risk_at       INTEGER,
  paused_since     INTEGER,
  escalate_on_miss INTEGER NOT NULL,
  miss_recorded    INTEGER NOT NULL,
  error            TEXT,
  PRIMARY KEY (case_type, case_id, clock)
);
-- The clocks still counting, by what comes next: what a deadline watcher scans.
CREATE INDEX IF NOT EXISTS case_clocks_running_deadline ON case_clocks (deadline) WHERE stopped_at IS NULL AND ended_at IS NULL;
CREATE INDEX IF NOT EXISTS case_clocks_running_at_risk ON case_clocks (at_risk_at) WHERE stopped_at IS NULL AND ended_at IS NULL;
-- Few rows each: the watcher's other candidates, paused clocks and missed ones still to escalate.
CREATE INDEX IF NOT EXISTS case_clocks_paused ON case_clocks (deadline) WHERE paused_since IS NOT NULL AND stopped_at IS NULL AND ended_at IS NULL;
CREATE INDEX IF NOT EXISTS case_clocks_missed_escalating ON case_clocks (deadline) WHERE miss_recorded = 1 AND escalate_on_miss = 1 AND ended_at IS NULL;
CREATE INDEX IF NOT EXISTS case_clocks_by_property ON case_clocks (property_id, clock);

-- What the agreement's KPIs need of a case (kpi-column.ts), kept in the order a compliance report
-- reads them: a property's cases by date of receipt.
CREATE TABLE IF NOT EXISTS case_kpis (
  property_id      TEXT    NOT NULL,
  received_date    TEXT    NOT NULL,
  case_type        TEXT    NOT NULL,
  case_id          TEXT    NOT NULL,
  kpi              TEXT    NOT NULL,
  PRIMARY KEY (property_id, received_date, case_type, case_id)
) WITHOUT ROWID;
`;

export const CASES_TEARDOWN = 'DROP TABLE IF EXISTS case_kpis; DROP TABLE IF EXISTS case_clocks; DROP TABLE IF EXISTS cases;';

export interface CaseRow {
  readonly case_type: string;
  readonly case_id: string;
  readonly property_id: string;
  readonly number: string | null;
  readonly state: string;
  readonly open: 0 | 1;
  readonly queue: string | null;
  readonly category: string | null;
  readonly channel: string | null;
  readonly complexity: string | null;
  readonly place: string | null;
  readonly building: string | null;
  readonly department: string | null;
  readonly technician_id: string | null;
  readonly received_at: number | null;
  readonly received_date: string | null;
  readonly revision: number;
  readonly ruleset_version: string;
  readonly last_recorded_at: number;
  readonly facts: string;
}

export interface ClockRow {
  readonly case_type: string;
  readonly case_id: string;
  readonly property_id: string;
  readonly clock: string;
  readonly policy_id: string;
  readonly kind: string;
  readonly started_at: number | null;
  readonly stopped_at: number | null;
  readonly ended_at: number | null;
  readonly deadline: number | null;
  readonly at_risk_at: number | null;
  readonly paused_since: number | null;
  readonly escalate_on_miss: 0 | 1;
  readonly miss_recorded: 0 | 1;
  readonly error: string | null;
}

export interface KpiRow {
  readonly property_id: string;
  readonly received_date: string;
  readonly case_type: string;
  readonly case_id: string;
  readonly kpi: string;
}

export type StoredCase = Pick<CaseRow, 'state' | 'facts' | 'revision' | 'property_id' | 'number' | 'ruleset_version'>;

const caseColumns = [
  'case_type',
  'case_id',
  'property_id',
  'number',
  'state',
  'open',
  'queue',
  'category',
  'channel',
  'complexity',
  'place',
  'building',
  'department',
  'technician_id',
  'received_at',
  'received_date',
  'revision',
  'ruleset_version',
  'last_recorded_at',
  'facts',
] as const satisfies readonly (keyof CaseRow)[];
/** What a case's later events can change; the rest of its row is fixed by the event that opened it. */
const caseChanges = [
  'state',
  'open',
  'queue',
  'category',
  'channel',
  'complexity',
  'place',
  'building',
  'department',
  'technician_id',
  'received_at',
  'revision',
  'last_recorded_at',
  'facts',
] as const satisfies readonly (keyof CaseRow)[];
const clockColumns = [
  'case_type',
  'case_id',
  'property_id',
  'clock',
  'policy_id',
  'kind',
  'started_at',
  'stopped_at',
  'ended_at',
  'deadline',
  'at_risk_at',
  'paused_since',
  'escalate_on_miss',
  'miss_recorded',
  'error',
] as const satisfies readonly (keyof ClockRow)[];
const clockChanges = clockColumns.filter((name) => !['case_type', 'case_id', 'clock'].includes(name));
const kpiColumns = ['property_id', 'received_date', 'case_type', 'case_id', 'kpi'] as const satisfies readonly (keyof KpiRow)[];

const list = (names: readonly string[]) => names.join(', ');
const placeholders = (names: readonly string[]) => names.map(() => '?').join(', ');
const assignments = (names: readonly string[]) => names.map((name) => `${name} = ?`).join(', ');

/**
 * A statement that writes a row, its parameters bound by position in the order of `names`:
 * better-sqlite3 binds named parameters one property lookup at a time, which on a row this wide
 * is a good part of the insert (docs/performance.md).
 */
const rowStatement = <Row>(db: Database.Database, sql: string, names: readonly (keyof Row)[]) => {
  const statement = db.prepare<unknown[]>(sql);
  return { run: (row: Row): Database.RunResult => statement.run(names.map((name) => row[name])) };
};

export const prepareCaseStatements = (db: Database.Database) => ({
  read: db.prepare<[string, string], StoredCase>(
    'SELECT state, facts, revision, property_id, number, ruleset_version FROM cases WHERE case_type = ? AND case_id = ?',
  ),
  upsert: rowStatement<CaseRow>(db, `INSERT OR REPLACE INTO cases (${list(caseColumns)}) VALUES (${placeholders(caseColumns)})`, caseColumns),
  /**
   * The row of a case already stored, when its fixed columns are as stored (else it changes
   * nothing, and the caller upserts): an UPDATE leaves alone the indexes on columns it does not
   * set, where a REPLACE deletes and inserts every index entry of the row.
   */
  update: rowStatement<CaseRow>(
    db,
    `UPDATE cases SET ${assignments(caseChanges)}
     WHERE case_type = ? AND case_id = ? AND property_id = ? AND received_date IS ? AND ruleset_version = ?`,
    [...caseChanges, 'case_type', 'case_id', 'property_id', 'received_date', 'ruleset_version'],
  ),
  dropClocks: db.prepare<[string, string]>('DELETE FROM case_clocks WHERE case_type = ? AND case_id = ?'),
  insertClock: rowStatement<ClockRow>(db, `INSERT INTO case_clocks (${list(clockColumns)}) VALUES (${placeholders(clockColumns)})`, clockColumns),
  updateClock: rowStatement<ClockRow>(db, `UPDATE case_clocks SET ${assignments(clockChanges)} WHERE case_type = ? AND case_id = ? AND clock = ?`, [
    ...clockChanges,
    'case_type',
    'case_id',
    'clock',
  ]),
  dropClock: db.prepare<[string, string, string]>('DELETE FROM case_clocks WHERE case_type = ? AND case_id = ? AND clock = ?'),
  upsertKpi: rowStatement<KpiRow>(db, `INSERT OR REPLACE INTO case_kpis (${list(kpiColumns)}) VALUES (${placeholders(kpiColumns)})`, kpiColumns),
  rulesetVersions: db.prepare<[], string>('SELECT DISTINCT ruleset_version FROM cases').pluck(),
  isEmpty: db.prepare<[], number>('SELECT NOT EXISTS (SELECT 1 FROM cases)').pluck(),
});
export type CaseStatements = ReturnType<typeof prepareCaseStatements>;
