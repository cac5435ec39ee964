import t from 'tap';
import { buildDashboardHarness } from './dashboard-harness.js';
import { openTokenStore } from '../../src/api/auth/tokens.js';
import { buildHarness, capturedLogger, complaintBody, issueTokens, openSqliteIn, repairBody, tempDir } from './harness.js';

const NUMBER = /^TS-20260302-\d{4}$/;

t.test('50 clients creating at once get 50 distinct numbers (SQLite)', async (t) => {
  const { dir, remove } = await tempDir('numbers-api-');
  t.teardown(remove);
  const h = await buildHarness({ store: openSqliteIn(dir) });
  t.teardown(h.close);
  const created = await Promise.all(Array.from({ length: 50 }, () => h.inject('POST', '/v1/complaints', { body: complaintBody() })));
  t.ok(
    created.every((r) => r.statusCode === 201),
    'all created',
  );
  const numbers = created.map((r) => r.json<{ number: string }>().number);
  t.ok(
    numbers.every((n) => NUMBER.test(n)),
    'numbered by the day of receipt in the property zone',
  );
  t.equal(new Set(numbers).size, 50, 'no two alike');
  t.same([...numbers].sort().at(-1), 'TS-20260302-0050', 'and no number skipped');
});

t.test('a number survives a restart and is never handed out again; an idempotent retry answers the first number', async (t) => {
  const { dir, remove } = await tempDir('numbers-restart-');
  t.teardown(remove);
  // One token store across the restart, kept open by the test (a harness given tokens leaves them open).
  const tokenStore = openTokenStore(':memory:');
  t.teardown(() => tokenStore.close());
  const tokens = { store: tokenStore, secrets: issueTokens(tokenStore) };
  const first = await buildHarness({ store: openSqliteIn(dir), tokens });
  const key = { 'idempotency-key': 'call-0931' };
  const opened = await first.inject('POST', '/v1/complaints', { body: complaintBody(), headers: key });
  t.equal(opened.json().number, 'TS-20260302-0001');
  const repair = await first.inject('POST', '/v1/repairs', { body: repairBody() });
  t.equal(repair.json().number, 'BX-20260302-0001', 'each record type has its own prefix and count');
  await first.close();

  const again = await buildHarness({ store: openSqliteIn(dir), tokens });
  t.teardown(again.close);
  const retried = await again.inject('POST', '/v1/complaints', { body: complaintBody(), headers: key });
  t.equal(retried.statusCode, 201);
  t.equal(retried.headers['idempotent-replayed'], 'true');
  t.same(retried.json(), opened.json(), 'the retry is answered with the first id and number');
  const next = await again.inject('POST', '/v1/complaints', { body: complaintBody() });
  t.equal(next.json().number, 'TS-20260302-0002', 'the next number after the restart');
  const view = await again.inject('GET', `/v1/complaints/${opened.json().id}`);
  t.equal(view.json().number, 'TS-20260302-0001', 'the record view shows its number');
  t.equal(view.json().details.number, 'TS-20260302-0001', 'recorded in the creating event');
});

t.test('a refused creation takes no number', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const refused = await h.inject('POST', '/v1/complaints', { body: complaintBody({ category: 'no-such-category' }) });
  t.equal(refused.statusCode, 400);
  const taken = await h.inject('POST', '/v1/complaints', { body: complaintBody() });
  t.equal(taken.json().number, 'TS-20260302-0001');
  const sent = await h.inject('POST', '/v1/complaints', { body: complaintBody({ number: 'TS-20260302-0099' }) });
  t.equal(sent.statusCode, 400, 'a caller cannot choose the number');
});

t.test('GET by number as by id, within the caller properties; the log line names the number', async (t) => {
  const h = await buildDashboardHarness();
  t.teardown(h.close);
  const created = (await h.inject('POST', '/v1/complaints', { body: complaintBody() })).json<{ id: string; number: string }>();
  await h.caughtUp();
  const byNumber = await h.inject('GET', `/v1/complaints/${created.number}`);
  t.equal(byNumber.statusCode, 200, byNumber.body);
  t.equal(byNumber.json().id, created.id);
  t.equal(byNumber.json().number, created.number);
  const events = await h.inject('GET', `/v1/complaints/${created.number}/events`, { as: 'auditor' });
  t.equal(events.json().id, created.id, 'its history too');
  t.equal((await h.inject('GET', `/v1/repairs/${created.number}`)).statusCode, 404, 'a complaint number names no repair');
  t.equal((await h.inject('GET', '/v1/complaints/TS-20260302-0999')).statusCode, 404);
  // Another property's number is answered as an unknown one: the same 404 and body, by number as by id.
  for (const path of ['', '/events']) {
    const elsewhere = await h.inject('GET', `/v1/complaints/${created.number}${path}`, { as: 'elsewhere' });
    const unknown = await h.inject('GET', `/v1/complaints/TS-20260302-0999${path}`, { as: 'elsewhere' });
    t.equal(elsewhere.statusCode, 404, `another property's number${path}: 404`);
    t.equal(elsewhere.body, unknown.body.replaceAll('TS-20260302-0999', created.number), `another property's number${path}: answered as an unknown one`);
  }
});

t.test('the request log line names the number', async (t) => {
  const { logger, lines } = capturedLogger('info');
  const h = await buildHarness({ logger });
  t.teardown(h.close);
  const created = (await h.inject('POST', '/v1/complaints', { body: complaintBody() })).json<{ number: string }>();
  const done = lines.map((line) => JSON.parse(line)).find((line) => line.msg === 'request done' && line.method === 'POST');
  t.equal(done?.number, created.number);
});
