import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { buildHarness, createCase, drive, openSqliteIn, tempDir } from '../api/harness.js';

t.test('editing the SQLite event file directly is caught: payload, metadata, deleted event, reordered events', async (t) => {
  const tmp = await tempDir('audit-verify-');
  const h = await buildHarness({ store: openSqliteIn(tmp.dir) });
  t.teardown(async () => {
    await h.close();
    await tmp.remove();
  });
  const ids: Record<string, string> = {};
  for (const name of ['payload', 'metadata', 'deleted', 'reordered', 'intact']) {
    ids[name] = await createCase(h, 'complaint');
    await drive(h, 'complaint', ids[name]!, ['acknowledge', 'assign', 'resolve']);
  }
  const clean = await h.inject('GET', '/v1/audit/verify?propertyId=demo', { as: 'auditor' });
  t.match(clean.json(), { intact: true, streamsChecked: 5, broken: [] });

  const db = new Database(join(tmp.dir, 'events.db'));
  const stream = (name: string) => `complaint-${ids[name]}`;
  db.prepare(
    `UPDATE events SET data = json_set(data, '$.description', '已篡改') WHERE stream_id = (SELECT id FROM streams WHERE name = ?) AND revision = 0`,
  ).run(stream('payload'));
  db.prepare(
    `UPDATE events SET metadata = json_set(metadata, '$.occurredAt', '2026-03-02T01:05:00Z') WHERE stream_id = (SELECT id FROM streams WHERE name = ?) AND revision = 1`,
  ).run(stream('metadata'));
  db.prepare('DELETE FROM events WHERE stream_id = (SELECT id FROM streams WHERE name = ?) AND revision = 1').run(stream('deleted'));
  const swap = db.transaction((s: string) => {
    db.prepare('UPDATE events SET revision = -1 WHERE stream_id = (SELECT id FROM streams WHERE name = ?) AND revision = 1').run(s);
    db.prepare('UPDATE events SET revision = 1 WHERE stream_id = (SELECT id FROM streams WHERE name = ?) AND revision = 2').run(s);
    db.prepare('UPDATE events SET revision = 2 WHERE stream_id = (SELECT id FROM streams WHERE name = ?) AND revision = -1').run(s);
  });
  swap(stream('reordered'));
  db.close();

  const response = await h.inject('GET', '/v1/audit/verify?propertyId=demo', { as: 'admin' });
  t.equal(response.statusCode, 200);
  const report = response.json();
  t.equal(report.intact, false);
  const brokenOf = (name: string) => report.broken.find((b: { caseId: string }) => b.caseId === ids[name]);
  t.match(brokenOf('payload'), { stream: stream('payload'), revision: 0, failure: 'hash_mismatch', eventId: /^[0-9a-f-]{36}$/ });
  t.match(brokenOf('metadata'), { revision: 1, failure: 'hash_mismatch' });
  t.match(brokenOf('deleted'), { revision: 2, failure: 'revision_gap', detail: /expected revision 1/ });
  t.match(brokenOf('reordered'), { revision: 1, failure: 'previous_hash' }, 'the event now at revision 1 points at the one now after it');
  t.notOk(brokenOf('intact'), 'the untouched case is intact');
  t.equal(report.broken.length, 4);

  t.equal((await h.inject('GET', '/v1/audit/verify?propertyId=demo', { as: 'manager' })).statusCode, 403);
  t.equal((await h.inject('GET', '/v1/audit/verify?propertyId=elsewhere', { as: 'auditor' })).statusCode, 403);
});

t.test('a chain relinked around a deleted event still fails: the next event points at the deleted one', async (t) => {
  const { firstBrokenLinkOf } = await import('../../src/audit/verify.js');
  const h = await buildHarness();
  t.teardown(h.close);
  const id = await createCase(h, 'repair');
  await drive(h, 'repair', id, ['dispatch', 'accept']);
  const events = await h.store.readStream(`repair-${id}`);
  t.equal(firstBrokenLinkOf(`repair-${id}`, events), undefined);
  // Renumbered so no revision is missing: the hash chain alone catches it.
  const renumbered = [events[0]!, { ...events[2]!, revision: 1n }];
  t.match(firstBrokenLinkOf(`repair-${id}`, renumbered), { revision: 1, failure: 'previous_hash' });
});
