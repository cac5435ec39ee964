import t from 'tap';
import { actionBodies, buildHarness, collection, complaintBody, createCase, drive, repairBody } from './harness.js';

const h = await buildHarness();
t.teardown(h.close);

type CaseType = 'complaint' | 'repair';

/** Every action of a lifecycle, on paths that between them visit all of them. */
const paths: Record<CaseType, ReadonlyArray<{ actions: readonly string[]; end: string }>> = {
  complaint: [
    { actions: ['escalate', 'acknowledge', 'assign', 'resolve', 'notify-owner', 'callback', 'close'], end: 'closed' },
    { actions: ['acknowledge', 'resolve', 'reopen', 'resolve', 'callback', 'close'], end: 'closed' },
    { actions: ['withdraw'], end: 'withdrawn' },
    { actions: ['acknowledge', 'reject'], end: 'rejected' },
  ],
  repair: [
    { actions: ['reclassify', 'dispatch', 'accept', 'arrive', 'pause', 'resume', 'complete', 'verify', 'callback', 'close'], end: 'closed' },
    { actions: ['dispatch', 'cancel'], end: 'cancelled' },
  ],
};

for (const caseType of ['complaint', 'repair'] as const) {
  const base = `/v1/${collection[caseType]}`;

  t.test(`POST ${base} creates: 201, Location, ETag, revision 0`, async (t) => {
    const response = await h.inject('POST', base, { body: caseType === 'complaint' ? complaintBody() : repairBody() });
    t.equal(response.statusCode, 201);
    const { id, revision } = response.json();
    t.match(id, /^[0-9a-f-]{36}$/);
    t.equal(revision, 0);
    t.equal(response.headers.location, `${base}/${id}`);
    t.equal(response.headers.etag, '"0"');
    const read = await h.inject('GET', response.headers.location as string, { as: 'auditor' });
    t.equal(read.statusCode, 200);
    t.equal(read.json().state, caseType === 'complaint' ? 'received' : 'reported');
  });

  for (const path of paths[caseType]) {
    t.test(`${caseType}: ${path.actions.join(' → ')} → ${path.end}`, async (t) => {
      const id = await createCase(h, caseType);
      for (const [index, action] of path.actions.entries()) {
        const response = await h.inject('POST', `${base}/${id}/${action}`, { as: 'admin', body: actionBodies[caseType][action] });
        t.equal(response.statusCode, 200, `${action}: ${response.body}`);
        t.same(Object.keys(response.json()).sort(), ['id', 'revision', 'state']);
        t.equal(response.json().revision, index + 1, action);
        t.equal(response.headers.etag, `"${index + 1}"`);
      }
      const view = (await h.inject('GET', `${base}/${id}`, { as: 'manager' })).json();
      t.equal(view.state, path.end);
      t.equal(view.revision, path.actions.length);
      t.same(view.allowedActions, [], 'a finished case allows nothing');

      const events = await h.inject('GET', `${base}/${id}/events`, { as: 'auditor' });
      t.equal(events.statusCode, 200);
      t.equal(events.headers.etag, `"${path.actions.length}"`);
      const body = events.json();
      t.equal(body.events.length, path.actions.length + 1);
      t.same(
        body.events.map((e: { revision: number }) => e.revision),
        [...Array(path.actions.length + 1).keys()],
      );
      t.match(body.events[1].metadata, { caseId: id, propertyId: 'demo', actor: { role: 'admin' }, recordedAt: String, occurredAt: String });
    });
  }
}

t.test('ids minted for a request without Idempotency-Key are UUIDv7 of the server clock; a keyed one derives from its key', async (t) => {
  const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const millisecondsOf = (id: string) => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);
  // A harness of its own: this test moves the clock.
  const h = await buildHarness();
  t.teardown(h.close);
  const receivedAt = h.clock.now();
  const id = (await h.inject('POST', '/v1/complaints', { body: complaintBody() })).json().id as string;
  t.match(id, UUID_V7, 'the case id');
  t.equal(millisecondsOf(id), receivedAt.epochMilliseconds, "of the clock's millisecond");
  h.clock.set(receivedAt.add({ minutes: 5 }));
  t.equal((await h.inject('POST', `/v1/complaints/${id}/acknowledge`, { as: 'dispatcher' })).statusCode, 200);
  const events = (await h.inject('GET', `/v1/complaints/${id}/events`, { as: 'auditor' })).json().events as Array<{ id: string }>;
  t.same(
    events.map((event) => millisecondsOf(event.id)),
    [receivedAt.epochMilliseconds, receivedAt.add({ minutes: 5 }).epochMilliseconds],
    'event ids in time order',
  );
  t.ok(events.every((event) => UUID_V7.test(event.id)));

  const keyed = (await h.inject('POST', '/v1/complaints', { body: complaintBody(), headers: { 'idempotency-key': 'intake-v7-check' } })).json().id as string;
  t.match(keyed, /^[0-9a-f]{8}-[0-9a-f]{4}-5/, "a keyed request's case id is the UUIDv5 of its key, the same on every retry");
  const keyedEvents = (await h.inject('GET', `/v1/complaints/${keyed}/events`, { as: 'auditor' })).json().events as Array<{ id: string }>;
  t.match(keyedEvents[0]!.id, /^[0-9a-f]{8}-[0-9a-f]{4}-5/);
});

t.test('GET a case: state, allowedActions, clocks and ETag', async (t) => {
  const complaint = await createCase(h, 'complaint');
  const response = await h.inject('GET', `/v1/complaints/${complaint}`, { as: 'technician' });
  t.equal(response.statusCode, 200);
  t.equal(response.headers.etag, '"0"');
  const view = response.json();
  t.match(view, { id: complaint, type: 'complaint', propertyId: 'demo', state: 'received', revision: 0, asOf: '2026-03-02T01:00:00Z' });
  t.same([...view.allowedActions].sort(), ['acknowledge', 'escalate', 'reject', 'withdraw']);
  const clocks = Object.fromEntries(view.clocks.map((c: { clock: string }) => [c.clock, c]));
  t.match(clocks.response, { status: 'running', startedAt: '2026-03-02T01:00:00Z', deadline: '2026-03-02T03:00:00Z', remainingMinutes: 120 });
  t.match(clocks.resolution, { status: 'running', deadline: String });
  t.match(clocks.callback, { status: 'not_started', deadline: null });

  const repair = await createCase(h, 'repair');
  await drive(h, 'repair', repair, ['dispatch', 'accept', 'pause']);
  const paused = (await h.inject('GET', `/v1/repairs/${repair}`, { as: 'dispatcher' })).json();
  t.equal(paused.state, 'paused');
  t.same([...paused.allowedActions].sort(), ['cancel', 'reclassify', 'resume']);
  const completion = paused.clocks.find((c: { clock: string }) => c.clock === 'completion');
  t.match(completion, { status: 'paused', paused: true, pauses: [{ reason: 'awaiting_parts', end: null }] });
  t.match(
    paused.clocks.find((c: { clock: string }) => c.clock === 'response'),
    { status: 'met' },
  );
});

t.test('operations: healthz, readyz, openapi.json, docs — no token needed', async (t) => {
  const health = await h.inject('GET', '/healthz', { as: 'none' });
  t.equal(health.statusCode, 200);
  t.same(health.json(), { status: 'ok' });

  const ready = await h.inject('GET', '/readyz', { as: 'none' });
  t.equal(ready.statusCode, 200);
  t.match(ready.json(), { status: 'ready', rulesetVersion: /^sha256:[0-9a-f]{64}$/, now: '2026-03-02T01:00:00Z' });

  const openapi = await h.inject('GET', '/openapi.json', { as: 'none' });
  t.equal(openapi.statusCode, 200);
  const doc = openapi.json();
  t.match(doc.openapi, /^3\.\d+\.\d+$/);
  t.match(doc.info, { title: String, version: String });
  t.match(doc.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer' });
  for (const [caseType, actions] of [
    ['complaints', actionBodies.complaint],
    ['repairs', actionBodies.repair],
  ] as const) {
    t.ok(doc.paths[`/v1/${caseType}`]?.post, `POST /v1/${caseType}`);
    t.ok(doc.paths[`/v1/${caseType}/{id}`]?.get, `GET /v1/${caseType}/{id}`);
    t.ok(doc.paths[`/v1/${caseType}/{id}/events`]?.get, `GET /v1/${caseType}/{id}/events`);
    for (const action of Object.keys(actions)) {
      const operation = doc.paths[`/v1/${caseType}/{id}/${action}`]?.post;
      t.ok(operation, `POST /v1/${caseType}/{id}/${action}`);
      t.ok(operation?.requestBody?.content?.['application/json']?.schema, `${caseType} ${action} documents its body`);
      t.ok(
        operation?.parameters?.some((p: { in: string; name: string }) => p.in === 'path' && p.name === 'id'),
        `${action} has the id parameter`,
      );
    }
  }
  t.notOk(
    Object.keys(doc.paths).some((p) => p.includes('record-deadline-miss')),
    'system-only commands are not routes',
  );

  const docs = await h.inject('GET', '/docs', { as: 'none' });
  t.equal(docs.statusCode, 200);
  t.match(docs.headers['content-type'], /text\/html/);
});

t.test('x-request-id is echoed, or made up', async (t) => {
  const given = await h.inject('GET', '/healthz', { as: 'none', headers: { 'x-request-id': 'desk-42.call-7' } });
  t.equal(given.headers['x-request-id'], 'desk-42.call-7');
  const made = await h.inject('GET', '/healthz', { as: 'none', headers: { 'x-request-id': 'bad id with spaces' } });
  t.match(made.headers['x-request-id'], /^[0-9a-f-]{36}$/);
});
