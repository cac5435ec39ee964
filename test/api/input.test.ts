import { Temporal } from 'temporal-polyfill';
import t from 'tap';
import type { Test } from 'tap';
import { recordBody } from './record-bodies.js';
import { buildHarness, CLOCK_START, complaintBody, createCase, drive, owner, repairBody, type InjectOptions } from './harness.js';

const h = await buildHarness();
t.teardown(h.close);

/** Sends a request that must be refused with the given status and code, and checks nothing was written. */
const refused = async (t: Test, method: 'POST' | 'GET', url: string, options: InjectOptions, status: number, code: string | RegExp, label: string) => {
  const before = await h.eventCount();
  const response = await h.inject(method, url, options);
  t.equal(response.statusCode, status, `${label}: ${response.statusCode === status ? '' : response.body}`);
  t.match(response.headers['content-type'], /^application\/problem\+json/, `${label}: problem+json`);
  t.match(response.json(), { status, code, type: /^https:\/\//, title: String, detail: String }, label);
  t.equal(await h.eventCount(), before, `${label}: store unchanged`);
  return response.json();
};

const at = (minutes: number) =>
  Temporal.Instant.from(CLOCK_START)
    .add({ seconds: minutes * 60 })
    .toString();

const invalidComplaints: ReadonlyArray<[string, Record<string, unknown>]> = [
  ['propertyId missing', { propertyId: undefined }],
  ['propertyId a number', { propertyId: 7 }],
  ['propertyId empty', { propertyId: '' }],
  ['unit missing', { unit: undefined }],
  ['unit blank', { unit: '   ' }],
  ['unit too long', { unit: 'x'.repeat(101) }],
  ['category missing', { category: undefined }],
  ['category an array', { category: ['noise'] }],
  ['description missing', { description: undefined }],
  ['description too long', { description: '长'.repeat(4001) }],
  ['channel missing', { channel: undefined }],
  ['channel unknown', { channel: 'fax' }],
  ['owner missing', { owner: undefined }],
  ['owner a string', { owner: '张伟' }],
  ['owner name missing', { owner: { phone: owner.phone } }],
  ['owner name empty', { owner: { ...owner, name: '' } }],
  ['owner phone missing', { owner: { name: owner.name } }],
  ['owner phone letters', { owner: { ...owner, phone: 'call me' } }],
  ['owner phone too short', { owner: { ...owner, phone: '123' } }],
  ['owner extra field', { owner: { ...owner, idCard: '110101199003070000' } }],
  ['extra field', { priority: 'high' }],
  ['occurredAt not an instant', { occurredAt: 'yesterday' }],
  ['occurredAt without offset', { occurredAt: '2026-03-02T00:50:00' }],
  ['occurredAt a number', { occurredAt: 1772413800000 }],
];

t.test('POST /v1/complaints: each field wrong, missing or extra → 400 VALIDATION_FAILED naming it', async (t) => {
  const phone = await refused(
    t,
    'POST',
    '/v1/complaints',
    { body: complaintBody({ owner: { ...owner, phone: '电话1380' } }) },
    400,
    'VALIDATION_FAILED',
    'a phone in words',
  );
  t.match(phone.errors, [{ field: 'body.owner.phone', issue: 'invalid_format', message: /^a phone number/ }], 'the phone refused for its format');
  const long = await refused(t, 'POST', '/v1/complaints', { body: complaintBody({ unit: 'x'.repeat(101) }) }, 400, 'VALIDATION_FAILED', 'a long unit');
  t.match(long.errors, [{ field: 'body.unit', issue: 'too_big' }], 'the unit refused for its length');
  for (const [label, change] of invalidComplaints) {
    const problem = await refused(t, 'POST', '/v1/complaints', { body: complaintBody(change) }, 400, 'VALIDATION_FAILED', label);
    t.ok(problem.errors?.length > 0 && problem.errors.every((e: { field: string }) => e.field.startsWith('body')), `${label}: errors name body fields`);
    t.ok(
      problem.errors.every((e: { issue?: string }) => /^[a-z_]+$/.test(e.issue ?? '')),
      `${label}: each says what was wrong by a code a page can word: ${problem.errors.map((e: { issue?: string }) => e.issue)}`,
    );
  }
});

t.test('POST /v1/repairs: each field wrong, missing or extra → 400', async (t) => {
  const cases: ReadonlyArray<[string, Record<string, unknown>]> = [
    ['location missing', { location: undefined }],
    ['location too long', { location: 'x'.repeat(201) }],
    ['complexity unknown', { complexity: 'easy' }],
    ['complexity missing', { complexity: undefined }],
    ['category missing', { category: undefined }],
    ['description blank', { description: ' ' }],
    ['owner phone wrong', { owner: { ...owner, phone: '++86' } }],
    ['unit is not a repair field', { unit: '1-1' }],
    ['channel is not a repair field', { channel: 'phone' }],
  ];
  for (const [label, change] of cases) await refused(t, 'POST', '/v1/repairs', { body: repairBody(change) }, 400, 'VALIDATION_FAILED', label);
});

t.test('ruleset checks: unknown category, department, property → 400 INVALID_COMMAND naming what is allowed', async (t) => {
  const category = await refused(t, 'POST', '/v1/complaints', { body: complaintBody({ category: 'ghosts' }) }, 400, 'INVALID_COMMAND', 'complaint category');
  t.match(category, { field: 'category', allowed: ['noise', 'environment', 'security', 'service', 'facility', 'parking', 'fees', 'other'] });
  await refused(t, 'POST', '/v1/repairs', { body: repairBody({ category: 'noise' }) }, 400, 'INVALID_COMMAND', 'repair category');
  await refused(t, 'POST', '/v1/complaints', { as: 'adminAll', body: complaintBody({ propertyId: 'atlantis' }) }, 400, 'INVALID_COMMAND', 'property');
  const id = await createCase(h, 'complaint');
  await drive(h, 'complaint', id, ['acknowledge']);
  await refused(t, 'POST', `/v1/complaints/${id}/assign`, { as: 'dispatcher', body: { department: 'kitchen' } }, 400, 'INVALID_COMMAND', 'department');
});

t.test(
  "units: one not numbered as the property's rules say → 400 INVALID_COMMAND on unit with the example; a repair's location and an import are not checked",
  async (t) => {
    for (const unit of ['3-21201', '3—2—1201', '0-1-101', '3-2-12', 'B2 车库']) {
      const problem = await refused(t, 'POST', '/v1/complaints', { body: complaintBody({ unit }) }, 400, 'INVALID_COMMAND', `complaint at ${unit}`);
      t.match(problem, { field: 'unit', detail: /numbered like 3-2-1201/ }, `${unit}: the field and the example`);
    }
    await refused(t, 'POST', '/v1/visits', { body: recordBody.visit({ unit: '3-21201' }) }, 400, 'INVALID_COMMAND', 'a visit');
    await refused(t, 'POST', '/v1/fees', { body: recordBody.fee({ unit: '3-2' }) }, 400, 'INVALID_COMMAND', 'a fee bill');
    await refused(t, 'POST', '/v1/archive-checks', { body: recordBody.archive_check({ unit: '12栋' }) }, 400, 'INVALID_COMMAND', 'an archive check');
    // riverside numbers its units the same way but shows its own example.
    const riverside = await refused(
      t,
      'POST',
      '/v1/complaints',
      { as: 'adminAll', body: complaintBody({ propertyId: 'riverside', unit: 'x' }) },
      400,
      'INVALID_COMMAND',
      'riverside',
    );
    t.match(riverside.detail, /numbered like 1-1-101/);
    for (const unit of ['3-2-1201', '12-1-0301']) {
      const accepted = await h.inject('POST', '/v1/complaints', { body: complaintBody({ unit }) });
      t.equal(accepted.statusCode, 201, `${unit} is taken: ${accepted.body.slice(0, 200)}`);
    }
    const commonArea = await h.inject('POST', '/v1/repairs', { body: repairBody({ location: 'B2 车库' }) });
    t.equal(commonArea.statusCode, 201, "a repair's location may be a common area");
    const oldSystem = JSON.stringify({
      caseRef: 'OLD-UNIT-1',
      caseType: 'complaint',
      action: 'receive',
      occurredAt: at(-600),
      actor: 'li.na',
      role: 'frontdesk',
      fields: { propertyId: 'demo', unit: '3栋1201', category: 'noise', description: '旧系统的房号写法', channel: 'phone', owner },
    });
    const imported = await h.inject('POST', '/v1/admin/import', { as: 'admin', raw: oldSystem, headers: { 'content-type': 'application/x-ndjson' } });
    t.match(imported.json(), { cases: { imported: 1, rejected: 0 } }, `an import keeps the old system's unit: ${imported.body.slice(0, 300)}`);
  },
);

t.test('action bodies: wrong, missing, extra → 400', async (t) => {
  const complaint = await createCase(h, 'complaint');
  const repair = await createCase(h, 'repair');
  await drive(h, 'repair', repair, ['dispatch', 'accept']);
  const cases: ReadonlyArray<[string, string, unknown]> = [
    ['escalate without reason', `/v1/complaints/${complaint}/escalate`, {}],
    ['escalate reason a number', `/v1/complaints/${complaint}/escalate`, { reason: 5 }],
    ['escalate extra field', `/v1/complaints/${complaint}/escalate`, { reason: 'r', urgent: true }],
    ['acknowledge extra field', `/v1/complaints/${complaint}/acknowledge`, { by: 'me' }],
    ['withdraw body an array', `/v1/complaints/${complaint}/withdraw`, ['r']],
    ['pause unknown reason', `/v1/repairs/${repair}/pause`, { reason: 'lunch' }],
    ['accept extra field', `/v1/repairs/${repair}/accept`, { note: 'x' }],
    ['reclassify missing reason', `/v1/repairs/${repair}/reclassify`, { complexity: 'complex' }],
    ['verify accepted not a boolean', `/v1/repairs/${repair}/verify`, { accepted: 'yes' }],
  ];
  for (const [label, url, body] of cases) await refused(t, 'POST', url, { as: 'admin', body }, 400, 'VALIDATION_FAILED', label);
  t.equal((await h.inject('GET', `/v1/repairs/${repair}`)).json().state, 'accepted');
});

t.test('actions without fields take no body, {} or null', async (t) => {
  const id = await createCase(h, 'repair');
  await drive(h, 'repair', id, ['dispatch']);
  const noBody = await h.inject('POST', `/v1/repairs/${id}/accept`, { as: 'technician' });
  t.equal(noBody.statusCode, 200, noBody.body);
  const nullBody = await h.inject('POST', `/v1/repairs/${id}/arrive`, { as: 'technician', raw: 'null', headers: { 'content-type': 'application/json' } });
  t.equal(nullBody.statusCode, 200, nullBody.body);
  await refused(
    t,
    'POST',
    `/v1/repairs/${id}/pause`,
    { as: 'technician', raw: '', headers: { 'content-type': 'application/json' } },
    400,
    /^(EMPTY_BODY|VALIDATION_FAILED)$/,
    'empty JSON body',
  );
});

t.test('the wire: malformed JSON, wrong content type, body over the limit', async (t) => {
  const json = { 'content-type': 'application/json' };
  await refused(t, 'POST', '/v1/complaints', { raw: '{"propertyId": "demo",', headers: json }, 400, 'MALFORMED_JSON', 'truncated JSON');
  await refused(t, 'POST', '/v1/complaints', { raw: "{'single': 'quotes'}", headers: json }, 400, 'MALFORMED_JSON', 'not JSON');
  await refused(t, 'POST', '/v1/complaints', { raw: '<complaint/>', headers: { 'content-type': 'application/xml' } }, 415, 'UNSUPPORTED_MEDIA_TYPE', 'XML');
  await refused(
    t,
    'POST',
    '/v1/complaints',
    { raw: 'propertyId=demo', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'form',
  );
  // fastify parses text/plain as a string: it then fails the object schema.
  await refused(
    t,
    'POST',
    '/v1/complaints',
    { raw: JSON.stringify(complaintBody()), headers: { 'content-type': 'text/plain' } },
    400,
    'VALIDATION_FAILED',
    'text/plain',
  );
  const big = JSON.stringify(complaintBody({ description: 'x'.repeat(65 * 1024) }));
  const tooLarge = await refused(t, 'POST', '/v1/complaints', { raw: big, headers: json }, 413, 'BODY_TOO_LARGE', 'over the 64 KiB limit');
  t.notMatch(JSON.stringify(tooLarge), /xxxx/, 'the body is not echoed');
});

t.test('unknown routes, actions and cases → 404 problems', async (t) => {
  const id = await createCase(h, 'complaint');
  await refused(t, 'POST', `/v1/complaints/${id}/frobnicate`, { body: {} }, 404, 'ROUTE_NOT_FOUND', 'unknown action');
  await refused(
    t,
    'POST',
    `/v1/complaints/${id}/record-deadline-miss`,
    { as: 'admin', body: { clock: 'response', policyId: 'p', deadline: CLOCK_START } },
    404,
    'ROUTE_NOT_FOUND',
    'system command',
  );
  await refused(
    t,
    'POST',
    `/v1/complaints/${id}/dispatch`,
    { as: 'admin', body: { technicianId: 't' } },
    404,
    'ROUTE_NOT_FOUND',
    'a repair action on a complaint',
  );
  await refused(t, 'POST', '/v1/tickets', { body: {} }, 404, 'ROUTE_NOT_FOUND', 'unknown collection');
  await refused(
    t,
    'POST',
    '/v1/complaints/00000000-0000-0000-0000-000000000000/escalate',
    { body: { reason: 'r' } },
    404,
    'CASE_NOT_FOUND',
    'unknown case, action',
  );
  await refused(t, 'GET', '/v1/complaints/00000000-0000-0000-0000-000000000000', {}, 404, 'CASE_NOT_FOUND', 'unknown case, read');
  await refused(t, 'GET', '/v1/repairs/00000000-0000-0000-0000-000000000000/events', {}, 404, 'CASE_NOT_FOUND', 'unknown case, events');
  await refused(t, 'GET', `/v1/repairs/${id}`, {}, 404, 'CASE_NOT_FOUND', 'a complaint id read as a repair');
  await refused(t, 'GET', '/v1/complaints/not!an*id', {}, 400, 'VALIDATION_FAILED', 'a malformed id');
  await refused(t, 'POST', `/v1/complaints/${'a'.repeat(65)}/escalate`, { body: { reason: 'r' } }, 400, 'VALIDATION_FAILED', 'an id too long');
});

t.test('occurredAt: within the allowances accepted, beyond them 422', async (t) => {
  await refused(t, 'POST', '/v1/complaints', { body: complaintBody({ occurredAt: at(5) }) }, 422, 'OCCURRED_AT_REFUSED', 'five minutes ahead');
  await refused(t, 'POST', '/v1/complaints', { body: complaintBody({ occurredAt: '2027-01-01T00:00:00Z' }) }, 422, 'OCCURRED_AT_REFUSED', 'next year');
  const old = await refused(t, 'POST', '/v1/complaints', { body: complaintBody({ occurredAt: at(-31) }) }, 422, 'OCCURRED_AT_REFUSED', '31 min back');
  t.match(old, { field: 'occurredAt', reason: 'beyond_backdating_allowance' });

  const lateEntry = await h.inject('POST', '/v1/complaints', { body: complaintBody({ occurredAt: at(-29) }) });
  t.equal(lateEntry.statusCode, 201, 'back-dated within 30 min');
  const id = lateEntry.json().id;
  const view = (await h.inject('GET', `/v1/complaints/${id}`)).json();
  t.equal(view.clocks.find((c: { clock: string }) => c.clock === 'response').startedAt, at(-29), 'the SLA runs from the claimed time');
  const skew = await h.inject('POST', `/v1/complaints/${id}/acknowledge`, { body: { occurredAt: at(0.5) } });
  t.equal(skew.statusCode, 200, 'a little ahead (clock skew) counts as now');
  await refused(
    t,
    'POST',
    `/v1/complaints/${id}/resolve`,
    { body: { resolution: 'r', occurredAt: at(-29.5) } },
    422,
    'OCCURRED_AT_REFUSED',
    'before the previous event',
  );
  await refused(
    t,
    'POST',
    `/v1/complaints/${id}/resolve`,
    { body: { resolution: 'r', occurredAt: at(2) } },
    422,
    'OCCURRED_AT_REFUSED',
    'action in the future',
  );
});

t.test('lifecycle refusals are 409 naming the state and what is allowed', async (t) => {
  const id = await createCase(h, 'complaint');
  const problem = await refused(
    t,
    'POST',
    `/v1/complaints/${id}/resolve`,
    { body: { resolution: 'r' } },
    409,
    'TRANSITION_NOT_ALLOWED',
    'resolve before handling',
  );
  t.match(problem, { state: 'received', command: 'resolve' });
  t.same([...problem.allowed].sort(), ['acknowledge', 'escalate', 'reject', 'withdraw']);
  await drive(h, 'complaint', id, ['acknowledge', 'resolve']);
  const close = await refused(t, 'POST', `/v1/complaints/${id}/close`, { body: {} }, 409, 'TRANSITION_NOT_ALLOWED', 'close without callback or reason');
  t.match(close.reason, /reason/);
});
