import t from 'tap';
import { writeCaseRow, writeClockRows } from '../../src/projections/cases/case-writes.js';
import { CASES_DDL, prepareCaseStatements, type CaseRow, type ClockRow } from '../../src/projections/cases/schema.js';
import { openReadModelDb } from '../../src/projections/index.js';

const clock = (name: string, deadline: number | null): ClockRow => ({
  case_type: 'repair',
  case_id: 'r1',
  property_id: 'demo',
  clock: name,
  policy_id: `repair.${name}`,
  kind: 'elapsed',
  started_at: 1,
  stopped_at: null,
  ended_at: null,
  deadline,
  at_risk_at: null,
  paused_since: null,
  escalate_on_miss: 0,
  miss_recorded: 0,
  error: null,
});
const caseRow = (state: string, receivedDate: string): CaseRow => ({
  case_type: 'repair',
  case_id: 'r1',
  property_id: 'demo',
  number: null,
  state,
  open: 1,
  queue: null,
  category: 'water',
  channel: null,
  complexity: 'general',
  place: '1-1-101',
  building: '1',
  department: null,
  technician_id: null,
  received_at: 1,
  received_date: receivedDate,
  revision: 0,
  ruleset_version: 'v1',
  last_recorded_at: 1,
  facts: '{}',
});

const setup = () => {
  const db = openReadModelDb(':memory:');
  db.exec(CASES_DDL);
  return { db, sql: prepareCaseStatements(db) };
};

t.test('clock rows: only the changed ones are written, a clock no longer there is dropped, unknown rows are all replaced', async (t) => {
  const { db, sql } = setup();
  const rows = () => db.prepare('SELECT clock, deadline FROM case_clocks ORDER BY clock').all();
  const first = [clock('response', 10), clock('completion', 20), clock('callback', null)];
  writeClockRows(sql, 'repair', 'r1', first, null, false);
  t.same(rows(), [
    { clock: 'callback', deadline: null },
    { clock: 'completion', deadline: 20 },
    { clock: 'response', deadline: 10 },
  ]);

  const second = [clock('response', 11), clock('callback', null), clock('extra', 5)];
  writeClockRows(sql, 'repair', 'r1', second, first, true);
  t.same(rows(), [
    { clock: 'callback', deadline: null },
    { clock: 'extra', deadline: 5 },
    { clock: 'response', deadline: 11 },
  ]);

  writeClockRows(sql, 'repair', 'r1', [clock('response', 12)], null, true);
  t.same(rows(), [{ clock: 'response', deadline: 12 }], "rows not known: the case's rows are replaced");
});

t.test('case row: updated in place, or inserted when it is not stored as the caller thought', async (t) => {
  const { db, sql } = setup();
  const read = () => db.prepare('SELECT state, received_date FROM cases').all();
  writeCaseRow(sql, caseRow('reported', '2026-03-02'), true);
  t.same(read(), [{ state: 'reported', received_date: '2026-03-02' }], 'not there: inserted');
  writeCaseRow(sql, caseRow('dispatched', '2026-03-02'), true);
  t.same(read(), [{ state: 'dispatched', received_date: '2026-03-02' }]);
  writeCaseRow(sql, caseRow('accepted', '2026-03-03'), true);
  t.same(read(), [{ state: 'accepted', received_date: '2026-03-03' }], 'a fixed column differs: replaced whole');
});
