import t from 'tap';
import { v5 as uuidv5 } from 'uuid';
import type { CaseHistory } from '../../src/app/case-history.js';
import { freshRows, importKeys } from '../../src/audit/import/applied.js';
import { canonicalJson } from '../../src/domain/canonical.js';

// An imported row is recognised in its record by its import key: its source case and content.

const row = (occurredAt: string, n: number, note = '已联系业主') => ({
  caseRef: 'OLD-1',
  caseType: 'repair',
  action: 'note',
  occurredAt,
  actor: 'li.na',
  role: 'frontdesk',
  fields: { note },
  row: n,
});
const holding = (...commandIds: string[]) => ({ events: commandIds.map((commandId) => ({ metadata: { commandId } })) }) as unknown as CaseHistory;

t.test("a row's key is its content, not its place: the row number and the time's offset do not change it", async (t) => {
  const [a] = importKeys([row('2023-03-01T02:00:00Z', 1)]);
  const [b] = importKeys([row('2023-03-01T10:00:00+08:00', 7)]);
  t.equal(a, b);
  t.not(importKeys([row('2023-03-01T02:00:00Z', 1, '另一句')])[0], a, 'other content, another key');
  const keys = importKeys([row('2023-03-01T02:00:00Z', 1), row('2023-03-01T02:00:00Z', 2)]);
  t.not(keys[0], keys[1], 'two identical rows of a case are told apart by their count');
  t.equal(keys[0], a);
});

t.test('the rows a record holds are skipped, wherever they stand in it and whatever came after them', async (t) => {
  const rows = [row('2023-03-01T02:00:00Z', 1), row('2023-03-02T02:00:00Z', 2), row('2023-03-03T02:00:00Z', 3)];
  const keys = importKeys(rows);
  const fresh = freshRows(holding(keys[0]!, 'deadline-miss:repair:x:response:2023-03-01T02:30:00Z', 'a-person', keys[1]!), rows);
  t.same(
    fresh.map((f) => [f.row.row, f.key]),
    [[3, keys[2]]],
  );
  t.same(freshRows(holding(...keys), rows), [], 'all there: nothing to write');
});

t.test('rows imported by an earlier version, under a key counting their place in the case, are recognised', async (t) => {
  const rows = [row('2023-03-01T02:00:00Z', 1), row('2023-03-02T02:00:00Z', 2)];
  // As earlier versions derived a row's command id: its case, its index among the case's rows, its content.
  const placed = rows.map((r, i) => `import-${uuidv5(`${r.caseRef}#${i}#${canonicalJson({ ...r, row: undefined })}`, '6a1d4e8b-2c7f-5b39-a0e4-93d8f1c2b7a5')}`);
  t.same(freshRows(holding(...placed), rows), []);
});
