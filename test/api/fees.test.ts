import t from 'tap';
import { feeLedgerId } from '../../src/domain/fee/commands.js';
import { buildHarness, staffRoles, type Caller } from './harness.js';
import { freshUnit, recordBody } from './record-bodies.js';

const h = await buildHarness();
t.teardown(h.close);

/** Bills a fresh unit for March 2026 (35,000 fen) and returns its ledger key and id. */
const bill = async (amountFen = 35_000) => {
  const key = { propertyId: 'demo', unit: freshUnit(), period: '2026-03' };
  const response = await h.inject('POST', '/v1/fees', { as: 'finance', body: recordBody.fee({ ...key, amountFen }) });
  if (response.statusCode !== 201) throw new Error(`bill: ${response.statusCode} ${response.body}`);
  return { key, id: response.json<{ id: string }>().id };
};
const ledgerUrl = (key: { propertyId: string; unit: string; period: string }) => `/v1/fees/ledger?${new URLSearchParams(key).toString()}`;

t.test("a ledger's id derives from its unit and month", async (t) => {
  const { key, id } = await bill();
  t.equal(id, feeLedgerId('demo', key.unit, '2026-03'));
});

t.test('GET /v1/fees/ledger: the ledger of a unit for a month, as GET /v1/fees/:id shows it', async (t) => {
  const { key, id } = await bill();
  t.equal((await h.inject('POST', `/v1/fees/${id}/pay`, { as: 'finance', body: { amountFen: 5_000, method: 'card' } })).statusCode, 200);
  const byKey = await h.inject('GET', ledgerUrl(key), { as: 'manager' });
  t.equal(byKey.statusCode, 200, byKey.body);
  t.equal(byKey.headers.etag, '"1"');
  const byId = await h.inject('GET', `/v1/fees/${id}`, { as: 'manager' });
  t.same(byKey.json(), byId.json(), 'the same view');
  t.match(byKey.json(), { id, type: 'fee', propertyId: 'demo', state: 'outstanding', revision: 1, allowedActions: ['pay', 'waive', 'refund'] });
  t.match(byKey.json().facts, { unit: key.unit, period: '2026-03', billedFen: 35_000, payments: [{ amountFen: 5_000 }] });
});

t.test('GET /v1/fees/ledger of a month never billed → 404 FEE_NOT_BILLED naming the unit, property and month', async (t) => {
  const { key } = await bill();
  const response = await h.inject('GET', ledgerUrl({ ...key, period: '2026-10' }), { as: 'finance' });
  t.equal(response.statusCode, 404);
  t.match(response.headers['content-type'], /^application\/problem\+json/);
  t.match(response.json(), {
    status: 404,
    code: 'FEE_NOT_BILLED',
    detail: `unit ${key.unit} of property demo has no bill for 2026-10`,
    propertyId: 'demo',
    unit: key.unit,
    period: '2026-10',
  });
});

t.test("GET /v1/fees/ledger: every role of the property reads; another property's token is refused before the ledger is looked up", async (t) => {
  const { key } = await bill();
  const callers: readonly Caller[] = [...staffRoles, 'adminAll', 'elsewhere', 'none', 'bad'];
  for (const caller of callers) {
    const response = await h.inject('GET', ledgerUrl(key), { as: caller });
    t.equal(response.statusCode, caller === 'none' || caller === 'bad' ? 401 : caller === 'elsewhere' ? 403 : 200, caller);
  }
  const unbilled = await h.inject('GET', ledgerUrl({ ...key, period: '2026-10' }), { as: 'elsewhere' });
  t.equal(unbilled.statusCode, 403, 'not 404: whether demo billed the unit is not for another property to learn');
  t.equal(unbilled.json().code, 'FORBIDDEN');
});

t.test('GET /v1/fees/ledger: a key that is no key → 400 naming the field', async (t) => {
  const { key } = await bill();
  const cases: ReadonlyArray<[string, string, string]> = [
    ['period not a month', ledgerUrl({ ...key, period: '2026-13' }), 'querystring.period'],
    ['unit missing', `/v1/fees/ledger?propertyId=demo&period=2026-03`, 'querystring.unit'],
    ['an unknown parameter', `${ledgerUrl(key)}&month=2026-03`, 'querystring'],
  ];
  for (const [label, url, field] of cases) {
    const response = await h.inject('GET', url, { as: 'finance' });
    t.equal(response.statusCode, 400, label);
    t.equal(response.json().code, 'VALIDATION_FAILED', label);
    t.same(
      response.json().errors.map((e: { field: string }) => e.field),
      [field],
      label,
    );
  }
});

const payment = (key: { propertyId: string; unit: string; period: string }, fields: Record<string, unknown> = {}) => ({
  ...key,
  amountFen: 10_000,
  method: 'wechat',
  receipt: 'WX-20260302-001',
  ...fields,
});

t.test('POST /v1/fees/payments: pays the ledger of the unit for the month', async (t) => {
  const { key, id } = await bill();
  const first = await h.inject('POST', '/v1/fees/payments', { as: 'finance', body: payment(key) });
  t.equal(first.statusCode, 200, first.body);
  t.same(first.json(), { id, revision: 1, state: 'outstanding' });
  t.equal(first.headers.etag, '"1"');
  t.equal(first.headers['idempotent-replayed'], undefined);
  const rest = await h.inject('POST', '/v1/fees/payments', { as: 'frontdesk', body: payment(key, { amountFen: 25_000, method: 'cash', receipt: undefined }) });
  t.same(rest.json(), { id, revision: 2, state: 'settled' });

  const events = (await h.inject('GET', `/v1/fees/${id}/events`, { as: 'auditor' })).json().events;
  t.same(
    events.map((e: { type: string }) => e.type),
    ['FeeBilled', 'FeePaid', 'FeePaid'],
  );
  t.same(events[1].data, { amountFen: 10_000, method: 'wechat', receipt: 'WX-20260302-001' }, 'the payment, without the ledger key');
  t.same(events[2].data, { amountFen: 25_000, method: 'cash' });
  t.match(events[2].metadata, { caseType: 'fee', caseId: id, propertyId: 'demo', actor: { role: 'frontdesk' } });
  t.equal((await h.inject('GET', ledgerUrl(key))).json().state, 'settled');
});

t.test('POST /v1/fees/payments for a month never billed → 404 FEE_NOT_BILLED, nothing written', async (t) => {
  const { key } = await bill();
  for (const unbilled of [
    { ...key, period: '2026-10' },
    { ...key, unit: freshUnit() },
  ]) {
    const count = await h.eventCount();
    const response = await h.inject('POST', '/v1/fees/payments', {
      as: 'finance',
      body: payment(unbilled),
      headers: { 'idempotency-key': `unbilled-${unbilled.unit}-${unbilled.period}` },
    });
    t.equal(response.statusCode, 404);
    t.match(response.headers['content-type'], /^application\/problem\+json/);
    t.match(response.json(), {
      code: 'FEE_NOT_BILLED',
      detail: `unit ${unbilled.unit} of property demo has no bill for ${unbilled.period}`,
      period: unbilled.period,
    });
    t.equal(await h.eventCount(), count, 'nothing written');
  }
  const pinned = await h.inject('POST', '/v1/fees/payments', { as: 'finance', body: payment({ ...key, period: '2026-11' }), headers: { 'if-match': '"0"' } });
  t.equal(pinned.json().code, 'FEE_NOT_BILLED', 'also with If-Match');
});

t.test('POST /v1/fees/payments: finance, front desk and admin of the property; no one else', async (t) => {
  const { key } = await bill(1_000_000);
  const callers: readonly Caller[] = [...staffRoles, 'adminAll', 'elsewhere', 'none', 'bad'];
  const payers = ['finance', 'frontdesk', 'admin', 'adminAll'];
  for (const caller of callers) {
    const count = await h.eventCount();
    const response = await h.inject('POST', '/v1/fees/payments', { as: caller, body: payment(key, { amountFen: 100 }) });
    const status = caller === 'none' || caller === 'bad' ? 401 : payers.includes(caller) ? 200 : 403;
    t.equal(response.statusCode, status, `${caller}: ${response.statusCode === status ? '' : response.body}`);
    if (status !== 200) t.equal(await h.eventCount(), count, `${caller}: nothing written`);
  }
  const elsewhere = await h.inject('POST', '/v1/fees/payments', { as: 'elsewhere', body: payment({ ...key, period: '2026-10' }) });
  t.equal(elsewhere.statusCode, 403, "another property's desk: refused before the ledger is looked up");
  t.match(elsewhere.json(), { code: 'FORBIDDEN', propertyId: 'demo' });
});

t.test('POST /v1/fees/payments: Idempotency-Key as on the action route; a retry writes nothing', async (t) => {
  const { key, id } = await bill();
  const headers = { 'idempotency-key': 'pay-2026-03-02-0001' };
  const first = await h.inject('POST', '/v1/fees/payments', { as: 'finance', body: payment(key), headers });
  t.same(first.json(), { id, revision: 1, state: 'outstanding' });
  const count = await h.eventCount();
  const again = await h.inject('POST', '/v1/fees/payments', { as: 'finance', body: payment(key), headers });
  t.equal(again.statusCode, 200);
  t.same(again.json(), first.json());
  t.equal(again.headers.etag, '"1"');
  t.equal(again.headers['idempotent-replayed'], 'true');
  t.equal(await h.eventCount(), count, 'nothing written');

  // The same request by the ledger's id is the same request.
  const byId = await h.inject('POST', `/v1/fees/${id}/pay`, {
    as: 'finance',
    body: { amountFen: 10_000, method: 'wechat', receipt: 'WX-20260302-001' },
    headers,
  });
  t.same(byId.json(), first.json());
  t.equal(byId.headers['idempotent-replayed'], 'true');
  t.equal(await h.eventCount(), count, 'nothing written');

  const reused = await h.inject('POST', '/v1/fees/payments', { as: 'finance', body: payment(key, { amountFen: 10_001 }), headers });
  t.equal(reused.statusCode, 422);
  t.equal(reused.json().code, 'COMMAND_ID_REUSED');
  const otherToken = await h.inject('POST', '/v1/fees/payments', { as: 'frontdesk', body: payment(key), headers });
  t.same(otherToken.json(), { id, revision: 2, state: 'outstanding' }, "keys are per token: another desk's payment is another payment");
  t.equal(await h.eventCount(), count + 1);
});

t.test('POST /v1/fees/payments: If-Match on a stale revision → 412, nothing written; on the current one it pays', async (t) => {
  const { key, id } = await bill();
  t.equal((await h.inject('POST', '/v1/fees/payments', { as: 'finance', body: payment(key) })).statusCode, 200);
  const count = await h.eventCount();
  const stale = await h.inject('POST', '/v1/fees/payments', { as: 'finance', body: payment(key), headers: { 'if-match': '"0"' } });
  t.equal(stale.statusCode, 412);
  t.match(stale.json(), { code: 'REVISION_MISMATCH', expected: '0', actual: '1' });
  t.equal(await h.eventCount(), count, 'nothing written');
  const current = await h.inject('POST', '/v1/fees/payments', { as: 'finance', body: payment(key), headers: { 'if-match': '"1"' } });
  t.same(current.json(), { id, revision: 2, state: 'outstanding' });
});

t.test('POST /v1/fees/payments: bad amounts → 400 naming amountFen, nothing written', async (t) => {
  const { key, id } = await bill();
  for (const [amountFen, code, field] of [
    [-500, 'VALIDATION_FAILED', 'body.amountFen'],
    [100.5, 'VALIDATION_FAILED', 'body.amountFen'],
    [35_001, 'INVALID_COMMAND', 'amountFen'],
  ] as const) {
    const count = await h.eventCount();
    const response = await h.inject('POST', '/v1/fees/payments', { as: 'finance', body: payment(key, { amountFen }) });
    t.equal(response.statusCode, 400, String(amountFen));
    t.equal(response.json().code, code);
    t.same(response.json().errors?.map((e: { field: string }) => e.field) ?? [response.json().field], [field]);
    t.equal(await h.eventCount(), count, 'nothing written');
  }
  const over = await h.inject('POST', '/v1/fees/payments', { as: 'finance', body: payment(key, { amountFen: 35_001 }) });
  t.equal(over.json().detail, 'amountFen: a payment of 35001 fen is more than the 35000 fen still owed');
  const unknown = await h.inject('POST', '/v1/fees/payments', { as: 'finance', body: payment(key, { dueDate: '2026-03-31' }) });
  t.equal(unknown.statusCode, 400, "a bill's field is not a payment's");
  t.equal((await h.inject('GET', `/v1/fees/${id}/events`)).json().events.length, 1);
});

t.test('both routes are in the OpenAPI document', async (t) => {
  const doc = (await h.inject('GET', '/openapi.json', { as: 'none' })).json();
  const ledger = doc.paths['/v1/fees/ledger'].get;
  t.same(ledger.tags, ['fees']);
  t.same(
    ledger.parameters.filter((p: { in: string }) => p.in === 'query').map((p: { name: string; required: boolean }) => [p.name, p.required]),
    [
      ['propertyId', true],
      ['unit', true],
      ['period', true],
    ],
  );
  const payments = doc.paths['/v1/fees/payments'].post;
  t.same(payments.tags, ['fees']);
  const schema = payments.requestBody.content['application/json'].schema;
  t.same(Object.keys(schema.properties).sort(), ['amountFen', 'method', 'occurredAt', 'period', 'propertyId', 'receipt', 'unit']);
  t.same([...schema.required].sort(), ['amountFen', 'method', 'period', 'propertyId', 'unit']);
  t.same(
    payments.parameters.filter((p: { in: string }) => p.in === 'header').map((p: { name: string }) => p.name),
    ['idempotency-key', 'if-match'],
  );
  t.match(payments.description, /^Roles: finance, frontdesk, admin\./);
});
