import Database from 'better-sqlite3';
const db = new Database('/tmp/bench-queries-ZhSMaM/server/read-models.db');
let s = performance.now();
db.exec("CREATE INDEX IF NOT EXISTS cases_newest ON cases (property_id, coalesce(received_at, 0) DESC, case_type DESC, case_id DESC)");
db.exec("CREATE INDEX IF NOT EXISTS cases_by_technician ON cases (property_id, technician_id, coalesce(received_at, 0) DESC, case_type DESC, case_id DESC) WHERE technician_id IS NOT NULL");
console.log('index', (performance.now() - s).toFixed(0), 'ms');
const tech = db.prepare("SELECT technician_id FROM cases WHERE technician_id IS NOT NULL LIMIT 1").pluck().get();
const q = (label, where, params, after = '') => {
  const sql = `SELECT c.case_type, c.case_id, coalesce(c.received_at, 0) AS received_at FROM cases c WHERE c.property_id = 'demo' ${where} ${after} ORDER BY received_at DESC, c.case_type DESC, c.case_id DESC LIMIT 51`;
  console.log(label, db.prepare('EXPLAIN QUERY PLAN ' + sql).all(params).map((r) => r.detail).join(' | '));
  const st = db.prepare(sql); st.all(params); const t0 = performance.now(); let r; for (let i = 0; i < 5; i++) r = st.all(params); console.log('   ', ((performance.now() - t0) / 5).toFixed(2), 'ms', r.length);
};
q('none', '', {});
q('tech', 'AND c.technician_id = @t AND c.case_type = @ty', { t: tech, ty: 'repair' });
q('closed', "AND c.state = 'closed'", {});
q('after rowvalue', '', { a: 1700000000000, ty: 'repair', id: 'x' }, 'AND (coalesce(c.received_at, 0), c.case_type, c.case_id) < (@a, @ty, @id)');
q('after or', '', { a: 1700000000000, ty: 'repair', id: 'x' }, 'AND (coalesce(c.received_at, 0) < @a OR (coalesce(c.received_at, 0) = @a AND (c.case_type < @ty OR (c.case_type = @ty AND c.case_id < @id))))');
