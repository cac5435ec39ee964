import { join } from 'node:path';
import t from 'tap';
import { openTokenStore } from '../../src/api/auth/tokens.js';
import { isRevisionConflict } from '../../src/store/errors.js';
import { createMemoryEventStore } from '../../src/store/memory.js';
import type { EventStore } from '../../src/store/port.js';
import { buildHarness, complaintBody, createCase, drive, issueTokens, openSqliteIn, repairBody, tempDir } from './harness.js';

/**
 * The memory store, made to yield after each stream read (so concurrent requests all read before
 * any appends, as they would against a disk), counting appends refused for a revision conflict:
 * proof that requests really raced.
 */
let conflicts = 0;
const inner = createMemoryEventStore();
const { knownRevision: _readsSkipped, ...readEveryTime } = inner;
const store: EventStore = {
  // Without knownRevision every command reads its case, so the yield below makes requests race.
  ...readEveryTime,
  readStream: async (...args) => {
    const events = await inner.readStream(...args);
    await new Promise((resolve) => setImmediate(resolve));
    return events;
  },
  appendToStream: async (...args) => {
    try {
      return await inner.appendToStream(...args);
    } catch (error) {
      if (isRevisionConflict(error)) conflicts++;
      throw error;
    }
  },
};
const h = await buildHarness({ store });
t.teardown(h.close);

const events = async (caseType: 'complaints' | 'repairs', id: string) =>
  (await h.inject('GET', `/v1/${caseType}/${id}/events`, { as: 'auditor' })).json().events as Array<{ type: string; metadata: { actor: { role: string } } }>;

t.test('two desks withdraw and reject at once: one wins, the other gets 409, nothing lost', async (t) => {
  for (let round = 0; round < 10; round++) {
    const id = await createCase(h, 'complaint');
    const [withdraw, reject] = await Promise.all([
      h.inject('POST', `/v1/complaints/${id}/withdraw`, { as: 'frontdesk', body: { reason: '业主撤回' } }),
      h.inject('POST', `/v1/complaints/${id}/reject`, { as: 'dispatcher', body: { reason: '非物业责任' } }),
    ]);
    t.same([withdraw.statusCode, reject.statusCode].sort(), [200, 409], `round ${round}`);
    const loser = withdraw.statusCode === 409 ? withdraw : reject;
    t.equal(loser.json().code, 'TRANSITION_NOT_ALLOWED');
    const history = await events('complaints', id);
    t.equal(history.length, 2, 'exactly the winner was written');
    t.equal((await h.inject('GET', `/v1/complaints/${id}`)).json().state, withdraw.statusCode === 200 ? 'withdrawn' : 'rejected');
  }
  t.ok(conflicts > 0, `the desks raced: ${conflicts} appends hit a revision conflict and were decided again`);
});

t.test('compatible actions at once: both apply by re-deciding on the new state', async (t) => {
  const id = await createCase(h, 'repair');
  await drive(h, 'repair', id, ['dispatch']);
  const [accept, reclassify] = await Promise.all([
    h.inject('POST', `/v1/repairs/${id}/accept`, { as: 'technician' }),
    h.inject('POST', `/v1/repairs/${id}/reclassify`, { as: 'dispatcher', body: { complexity: 'complex', reason: '需更换主管道' } }),
  ]);
  t.equal(accept.statusCode, 200, accept.body);
  t.equal(reclassify.statusCode, 200, reclassify.body);
  t.same([accept.json().revision, reclassify.json().revision].sort(), [2, 3]);
  t.same((await events('repairs', id)).map((e) => e.type).sort(), ['RepairAccepted', 'RepairDispatched', 'RepairReclassified', 'RepairReported']);

  const complaint = await createCase(h, 'complaint');
  const escalations = await Promise.all(
    Array.from({ length: 3 }, (_, i) => h.inject('POST', `/v1/complaints/${complaint}/escalate`, { body: { reason: `第${i}次催促` } })),
  );
  t.ok(
    escalations.every((r) => r.statusCode === 200),
    'all 3 escalations applied',
  );
  t.same(
    escalations.map((r) => r.json().revision).sort((a, b) => a - b),
    [1, 2, 3],
    'each at its own revision',
  );
  t.equal((await events('complaints', complaint)).length, 4);
});

t.test('a crowd on one case: whoever is answered 200 is in the history, the rest get 409 REVISION_CONFLICT', async (t) => {
  const id = await createCase(h, 'complaint');
  const crowd = await Promise.all(
    Array.from({ length: 20 }, (_, i) => h.inject('POST', `/v1/complaints/${id}/escalate`, { body: { reason: `第${i}次催促` } })),
  );
  const applied = crowd.filter((r) => r.statusCode === 200);
  const refused = crowd.filter((r) => r.statusCode !== 200);
  t.ok(applied.length >= 5, `${applied.length} applied after re-deciding`);
  t.ok(
    refused.every((r) => r.statusCode === 409 && r.json().code === 'REVISION_CONFLICT'),
    'the rest: revision conflict, retryable',
  );
  t.same(
    applied.map((r) => r.json().revision).sort((a, b) => a - b),
    Array.from({ length: applied.length }, (_, i) => i + 1),
  );
  t.equal((await events('complaints', id)).length, 1 + applied.length, 'nothing lost, nothing extra');
});

t.test('If-Match: the current revision applies, a stale one is 412 and writes nothing', async (t) => {
  const id = await createCase(h, 'complaint');
  const first = await h.inject('POST', `/v1/complaints/${id}/acknowledge`, { body: {}, headers: { 'if-match': '"0"' } });
  t.equal(first.statusCode, 200);
  t.equal(first.headers.etag, '"1"');
  const before = await h.eventCount();
  const stale = await h.inject('POST', `/v1/complaints/${id}/escalate`, { body: { reason: 'r' }, headers: { 'if-match': '"0"' } });
  t.equal(stale.statusCode, 412);
  t.match(stale.json(), { code: 'REVISION_MISMATCH', expected: '0', actual: '1' });
  t.equal(await h.eventCount(), before);
  const weak = await h.inject('POST', `/v1/complaints/${id}/escalate`, { body: { reason: 'r' }, headers: { 'if-match': 'W/"1"' } });
  t.equal(weak.statusCode, 200, 'a weak ETag names the revision too');
  const junk = await h.inject('POST', `/v1/complaints/${id}/escalate`, { body: { reason: 'r' }, headers: { 'if-match': 'abc' } });
  t.equal(junk.statusCode, 400);
  const unknown = await h.inject('POST', '/v1/complaints/no-such-case/escalate', { body: { reason: 'r' }, headers: { 'if-match': '"0"' } });
  t.equal(unknown.statusCode, 404);

  // Two desks read revision 2 and act at once with If-Match: exactly one applies.
  const racers = await Promise.all(
    ['desk-a', 'desk-b'].map((who) => h.inject('POST', `/v1/complaints/${id}/escalate`, { body: { reason: who }, headers: { 'if-match': '"2"' } })),
  );
  t.same(racers.map((r) => r.statusCode).sort(), [200, 412]);
  t.equal((await events('complaints', id)).length, 4);
});

t.test('one Idempotency-Key retried 100 times at once: one event, identical answers', async (t) => {
  const id = await createCase(h, 'complaint');
  const before = await h.eventCount();
  const retries = await Promise.all(
    Array.from({ length: 100 }, () =>
      h.inject('POST', `/v1/complaints/${id}/escalate`, { body: { reason: '业主第三次来电' }, headers: { 'idempotency-key': 'call-2026-0302-17' } }),
    ),
  );
  t.ok(
    retries.every((r) => r.statusCode === 200),
    'all answered 200',
  );
  t.equal(new Set(retries.map((r) => r.body)).size, 1, 'identical bodies');
  t.equal(retries[0]!.json().revision, 1);
  // Racing retries are deduplicated by the store itself (same event ids) and not flagged as replays; later ones are.
  t.equal(await h.eventCount(), before + 1, 'exactly one event');

  const otherKey = await h.inject('POST', `/v1/complaints/${id}/escalate`, {
    body: { reason: '业主第三次来电' },
    headers: { 'idempotency-key': 'call-2026-0302-18' },
  });
  t.equal(otherKey.json().revision, 2, 'another key is another command');
  const sameKeyLater = await h.inject('POST', `/v1/complaints/${id}/escalate`, {
    body: { reason: '业主第三次来电' },
    headers: { 'idempotency-key': 'call-2026-0302-17' },
  });
  t.equal(sameKeyLater.json().revision, 1, 'the first key still answers with its original revision');
  t.equal(sameKeyLater.headers['idempotent-replayed'], 'true');
  t.equal(await h.eventCount(), before + 2);
});

t.test('create retried 100 times with one key: one case, one id, identical answers', async (t) => {
  const before = await h.eventCount();
  const retries = await Promise.all(
    Array.from({ length: 100 }, () => h.inject('POST', '/v1/complaints', { body: complaintBody(), headers: { 'idempotency-key': 'intake-0001' } })),
  );
  t.same([...new Set(retries.map((r) => r.statusCode))], [201]);
  t.equal(new Set(retries.map((r) => r.body)).size, 1, 'identical bodies, the same case id');
  t.equal(new Set(retries.map((r) => r.headers.location)).size, 1);
  t.equal(await h.eventCount(), before + 1);
  const sequential = await h.inject('POST', '/v1/complaints', { body: complaintBody(), headers: { 'idempotency-key': 'intake-0001' } });
  t.equal(sequential.body, retries[0]!.body);
  const otherDesk = await h.inject('POST', '/v1/complaints', { as: 'dispatcher', body: complaintBody(), headers: { 'idempotency-key': 'intake-0001' } });
  t.not(otherDesk.json().id, retries[0]!.json().id, "keys are per token: another desk's key is another case");
});

t.test('idempotency across a restart on the same SQLite file', async (t) => {
  const { dir, remove } = await tempDir('api-restart-');
  const tokenStore = openTokenStore(join(dir, 'access.db'));
  t.teardown(async () => {
    tokenStore.close();
    await remove();
  });
  const tokens = { store: tokenStore, secrets: issueTokens(tokenStore) };
  const report = { body: repairBody({ category: 'electrical', location: 'B2 车库' }), headers: { 'idempotency-key': 'r-1' } };
  const dispatch = { as: 'dispatcher' as const, body: { technicianId: 'tech-1' }, headers: { 'idempotency-key': 'd-1' } };

  const first = await buildHarness({ store: openSqliteIn(dir), tokens });
  const created = await first.inject('POST', '/v1/repairs', report);
  t.equal(created.statusCode, 201);
  const id = created.json().id;
  const dispatched = await first.inject('POST', `/v1/repairs/${id}/dispatch`, dispatch);
  t.equal(dispatched.statusCode, 200);
  const count = await first.eventCount();
  await first.close();

  const second = await buildHarness({ store: openSqliteIn(dir), tokens });
  t.teardown(second.close);
  const createdAgain = await second.inject('POST', '/v1/repairs', report);
  t.equal(createdAgain.statusCode, 201);
  t.equal(createdAgain.body, created.body, 'the original create answer');
  t.equal(createdAgain.headers['idempotent-replayed'], 'true');
  const dispatchedAgain = await second.inject('POST', `/v1/repairs/${id}/dispatch`, dispatch);
  t.equal(dispatchedAgain.statusCode, 200);
  t.equal(dispatchedAgain.body, dispatched.body, 'the original action answer');
  t.equal(await second.eventCount(), count, 'no new event');
  t.equal((await second.inject('GET', `/v1/repairs/${id}`)).json().state, 'dispatched');
});

t.test('one Idempotency-Key, another request: 422 COMMAND_ID_REUSED, nothing written, the original still answers', async (t) => {
  const create = (body: unknown) => h.inject('POST', '/v1/complaints', { body, headers: { 'idempotency-key': 'intake-reused' } });
  const created = await create(complaintBody());
  t.equal(created.statusCode, 201);
  const id = created.json().id as string;
  const escalate = (body: unknown, key = 'esc-reused') => h.inject('POST', `/v1/complaints/${id}/escalate`, { body, headers: { 'idempotency-key': key } });
  t.equal((await escalate({ reason: '业主第三次来电' })).statusCode, 200);
  const before = await h.eventCount();

  const otherBody = await create(complaintBody({ description: '另一件事' }));
  t.equal(otherBody.statusCode, 422, 'a create with other fields');
  t.match(otherBody.headers['content-type'], /application\/problem\+json/);
  t.match(otherBody.json(), {
    code: 'COMMAND_ID_REUSED',
    caseType: 'complaint',
    caseId: id,
    difference: 'other fields in the body',
    detail: /idempotency key was already used on complaint .* for a different request \(other fields in the body\); a key names one request: send a new key/,
  });
  t.match(
    (await escalate({ reason: '另一个理由' })).json(),
    { code: 'COMMAND_ID_REUSED', difference: 'other fields in the body' },
    'an action with other fields',
  );
  t.match(
    (await escalate({ reason: '业主第三次来电', occurredAt: '2020-01-01T00:00:00Z' })).json(),
    { code: 'COMMAND_ID_REUSED', difference: /^another occurredAt \(2020-01-01T00:00:00Z; the first request's was / },
    'another claimed time',
  );
  const otherAction = await h.inject('POST', `/v1/complaints/${id}/withdraw`, {
    body: { reason: '业主第三次来电' },
    headers: { 'idempotency-key': 'esc-reused' },
  });
  t.match(
    otherAction.json(),
    { code: 'COMMAND_ID_REUSED', difference: /recorded ComplaintEscalated, this one would record ComplaintWithdrawn/ },
    'another action',
  );
  t.equal(await h.eventCount(), before, 'nothing written');

  const other = await createCase(h, 'complaint');
  const elsewhere = await h.inject('POST', `/v1/complaints/${other}/escalate`, {
    body: { reason: '业主第三次来电' },
    headers: { 'idempotency-key': 'esc-reused' },
  });
  t.equal(elsewhere.statusCode, 200, 'the same key on another case is another request there');
  t.equal(await h.eventCount(), before + 2, 'that case got its own event (and its creation)');

  const again = await escalate({ reason: '业主第三次来电' });
  t.equal(again.statusCode, 200, 'the same request still gets its original answer');
  t.equal(again.headers['idempotent-replayed'], 'true');
  t.equal((await create(complaintBody())).statusCode, 201);
});
