import t from 'tap';
import { buildHarness } from './harness.js';
import { createRecord, eventsOf, recordBody, recordCollection, recordTypes } from './record-bodies.js';

// Retries and stale writes of a record: Idempotency-Key and If-Match.

const h = await buildHarness();
t.teardown(h.close);

t.test('Idempotency-Key: a repeated create or action answers as the first time and writes nothing', async (t) => {
  for (const type of recordTypes) {
    const base = `/v1/${recordCollection[type]}`;
    const body = recordBody[type]();
    const headers = { 'idempotency-key': `${type}-create-1` };
    const first = await h.inject('POST', base, { as: 'admin', body, headers });
    t.equal(first.statusCode, 201, `${type}: ${first.body}`);
    t.equal(first.headers['idempotent-replayed'], undefined);
    const count = await h.eventCount();
    const again = await h.inject('POST', base, { as: 'admin', body, headers });
    t.equal(again.statusCode, 201, type);
    t.same(again.json(), first.json(), `${type}: the same answer`);
    t.equal(again.headers.location, first.headers.location);
    t.equal(again.headers.etag, '"0"');
    t.equal(again.headers['idempotent-replayed'], 'true');
    t.equal(await h.eventCount(), count, `${type}: nothing written`);
  }

  const id = await createRecord(h, 'activity');
  const correction = { participants: 240, reason: '补登签到表' };
  const headers = { 'idempotency-key': 'activity-correct-1' };
  const first = await h.inject('POST', `/v1/activities/${id}/correct-participation`, { body: correction, headers });
  t.same(first.json(), { id, revision: 1, state: 'held' });
  const count = await h.eventCount();
  const again = await h.inject('POST', `/v1/activities/${id}/correct-participation`, { body: correction, headers });
  t.equal(again.statusCode, 200);
  t.same(again.json(), first.json());
  t.equal(again.headers['idempotent-replayed'], 'true');
  t.equal(await h.eventCount(), count, 'nothing written');
  const reused = await h.inject('POST', `/v1/activities/${id}/correct-participation`, { body: { ...correction, participants: 250 }, headers });
  t.equal(reused.statusCode, 422);
  t.equal(reused.json().code, 'COMMAND_ID_REUSED');
  t.equal(await h.eventCount(), count, 'nothing written');
});

t.test('If-Match: a correction made on a stale revision is refused with 412; on the current one it applies', async (t) => {
  const id = await createRecord(h, 'activity');
  const url = `/v1/activities/${id}/correct-participation`;
  t.equal((await h.inject('POST', url, { body: { participants: 190, reason: '补登' }, headers: { 'if-match': '"0"' } })).statusCode, 200);
  const count = await h.eventCount();
  const stale = await h.inject('POST', url, { body: { participants: 195, reason: '再次补登' }, headers: { 'if-match': '"0"' } });
  t.equal(stale.statusCode, 412);
  t.match(stale.headers['content-type'], /^application\/problem\+json/);
  t.match(stale.json(), { code: 'REVISION_MISMATCH', expected: '0', actual: '1' });
  t.equal(await h.eventCount(), count, 'nothing written');
  const current = await h.inject('POST', url, { body: { participants: 195, reason: '再次补登' }, headers: { 'if-match': 'W/"1"' } });
  t.equal(current.statusCode, 200);
  t.same(current.json(), { id, revision: 2, state: 'held' });
  t.equal((await h.inject('GET', `/v1/activities/${id}`)).json().facts.participants, 195);
  t.equal(await eventsOf(h, 'activity', id), 3);
});
