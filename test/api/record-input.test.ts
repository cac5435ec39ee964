import { Temporal } from 'temporal-polyfill';
import t from 'tap';
import type { Test } from 'tap';
import { buildHarness, CLOCK_START, type InjectOptions } from './harness.js';
import { createRecord, eventsOf, freshUnit, recordBody, type RecordType } from './record-bodies.js';

const h = await buildHarness();
t.teardown(h.close);

/**
 * Sends a request that must be refused with the given status and code, checks that nothing was
 * written (in the whole store, and in the record's stream when there is one), and returns the problem.
 */
const refused = async (t: Test, url: string, options: InjectOptions, status: number, code: string, record?: { type: RecordType; id: string }) => {
  const count = await h.eventCount();
  const inRecord = record ? await eventsOf(h, record.type, record.id) : undefined;
  const response = await h.inject('POST', url, { as: 'admin', ...options });
  t.equal(response.statusCode, status, `${url.replace(/[0-9a-f-]{36}/, ':id')}: ${response.statusCode === status ? status : response.body}`);
  t.match(response.headers['content-type'], /^application\/problem\+json/);
  const problem = response.json();
  t.match(problem, { status, code, type: /^https:\/\//, title: String, detail: String });
  t.equal(await h.eventCount(), count, 'nothing written');
  if (record) t.equal(await eventsOf(h, record.type, record.id), inRecord, 'the record unchanged');
  return problem;
};

/** The field a 400 names: a zod refusal lists body fields, a rule of the ruleset names its field. */
const fieldsOf = (problem: { errors?: Array<{ field: string }>; field?: string }) => problem.errors?.map((e) => e.field) ?? [problem.field];

t.test('amounts in fen: negative, zero or fractional → 400 naming amountFen', async (t) => {
  for (const amountFen of [-100, 0, 99.5, '100']) {
    const problem = await refused(t, '/v1/fees', { body: recordBody.fee({ amountFen }) }, 400, 'VALIDATION_FAILED');
    t.same(fieldsOf(problem), ['body.amountFen'], `bill of ${amountFen}`);
  }
  const id = await createRecord(h, 'fee');
  for (const action of ['pay', 'waive', 'refund'] as const) {
    for (const amountFen of [-1, 0.01]) {
      const body = action === 'pay' ? { amountFen, method: 'cash' } : { amountFen, reason: '测试' };
      const problem = await refused(t, `/v1/fees/${id}/${action}`, { body }, 400, 'VALIDATION_FAILED', { type: 'fee', id });
      t.same(fieldsOf(problem), ['body.amountFen'], `${action} of ${amountFen}`);
    }
  }
  const fractional = await refused(t, `/v1/fees/${id}/pay`, { body: { amountFen: 100.5, method: 'cash' } }, 400, 'VALIDATION_FAILED');
  t.match(fractional.detail, /^body\.amountFen: an amount in fen: a whole number, no fractions of a fen/);
});

t.test('a payment beyond what is owed, a refund beyond what was collected → 400 naming amountFen', async (t) => {
  const id = await createRecord(h, 'fee', { amountFen: 35_000 });
  const overpaid = await refused(t, `/v1/fees/${id}/pay`, { body: { amountFen: 35_001, method: 'cash' } }, 400, 'INVALID_COMMAND', { type: 'fee', id });
  t.match(overpaid, { field: 'amountFen', detail: 'amountFen: a payment of 35001 fen is more than the 35000 fen still owed' });
  const overwaived = await refused(t, `/v1/fees/${id}/waive`, { body: { amountFen: 40_000, reason: '减免' } }, 400, 'INVALID_COMMAND', { type: 'fee', id });
  t.match(overwaived, { field: 'amountFen', detail: 'amountFen: a waiver of 40000 fen is more than the 35000 fen still owed' });

  t.equal((await h.inject('POST', `/v1/fees/${id}/pay`, { as: 'finance', body: { amountFen: 20_000, method: 'alipay' } })).statusCode, 200);
  const overrefunded = await refused(t, `/v1/fees/${id}/refund`, { body: { amountFen: 20_001, reason: '退款' } }, 400, 'INVALID_COMMAND', { type: 'fee', id });
  t.match(overrefunded, { field: 'amountFen', detail: 'amountFen: a refund of 20001 fen is more than the 20000 fen collected' });
  const stillOwed = await refused(t, `/v1/fees/${id}/pay`, { body: { amountFen: 15_001, method: 'cash' } }, 400, 'INVALID_COMMAND', { type: 'fee', id });
  t.equal(stillOwed.detail, 'amountFen: a payment of 15001 fen is more than the 15000 fen still owed');

  // Settled: nothing is owed, so a payment is the lifecycle's refusal, which says what is allowed.
  t.equal((await h.inject('POST', `/v1/fees/${id}/pay`, { as: 'finance', body: { amountFen: 15_000, method: 'cash' } })).json().state, 'settled');
  const settled = await refused(t, `/v1/fees/${id}/pay`, { body: { amountFen: 1, method: 'cash' } }, 409, 'TRANSITION_NOT_ALLOWED', { type: 'fee', id });
  t.match(settled, { command: 'pay', state: 'settled', allowed: ['refund'] });
});

t.test('billing a unit for a month twice → 409, the first bill stands', async (t) => {
  const body = recordBody.fee();
  const first = await h.inject('POST', '/v1/fees', { as: 'finance', body });
  t.equal(first.statusCode, 201);
  const problem = await refused(t, '/v1/fees', { body: { ...body, amountFen: 99_000 } }, 409, 'CASE_ALREADY_EXISTS');
  t.match(problem, { caseType: 'fee', caseId: first.json().id });
  t.equal((await h.inject('GET', `/v1/fees/${first.json().id}`)).json().details.amountFen, 35_000);
  const nextMonth = await h.inject('POST', '/v1/fees', { as: 'finance', body: { ...body, period: '2026-04', dueDate: '2026-04-30' } });
  t.equal(nextMonth.statusCode, 201, 'the next month is another ledger');
  t.not(nextMonth.json().id, first.json().id);
});

t.test('a bill due before its month, or for a month that is no month → 400 naming the field', async (t) => {
  const early = await refused(t, '/v1/fees', { body: recordBody.fee({ dueDate: '2026-02-28' }) }, 400, 'INVALID_COMMAND');
  t.match(early, { field: 'dueDate', detail: 'dueDate: due 2026-02-28, before the billing month 2026-03 begins' });
  for (const period of ['2026-13', '2026-3', '2026/03']) {
    const problem = await refused(t, '/v1/fees', { body: recordBody.fee({ period, unit: freshUnit() }) }, 400, 'VALIDATION_FAILED');
    t.same(fieldsOf(problem), ['body.period'], period);
  }
  t.equal(
    (await h.inject('POST', '/v1/fees', { as: 'finance', body: recordBody.fee({ dueDate: '2026-03-01' }) })).statusCode,
    201,
    'due on the first day of its month',
  );
});

t.test("participants above the property's 1200 households, or not a whole count → 400 naming participants", async (t) => {
  const above = await refused(t, '/v1/activities', { body: recordBody.activity({ participants: 1201 }) }, 400, 'INVALID_COMMAND');
  t.match(above, { field: 'participants', detail: 'participants: 1201 participating households, more than the 1200 households of property demo' });
  for (const participants of [-1, 12.5]) {
    const problem = await refused(t, '/v1/activities', { body: recordBody.activity({ participants }) }, 400, 'VALIDATION_FAILED');
    t.same(fieldsOf(problem), ['body.participants'], String(participants));
  }
  const id = await createRecord(h, 'activity', { participants: 1200 });
  const corrected = await refused(
    t,
    `/v1/activities/${id}/correct-participation`,
    { body: { participants: 1300, reason: '重新统计' } },
    400,
    'INVALID_COMMAND',
    { type: 'activity', id },
  );
  t.equal(corrected.field, 'participants');
});

t.test('heldOn: today and 7 days back are accepted; tomorrow or 8 days back → 400 naming heldOn', async (t) => {
  // The clock reads 09:00 on Monday 2 March 2026 in Beijing.
  const future = await refused(t, '/v1/activities', { body: recordBody.activity({ heldOn: '2026-03-03' }) }, 400, 'INVALID_COMMAND');
  t.match(future, { field: 'heldOn', detail: 'heldOn: 2026-03-03 is after today (2026-03-02)' });
  const old = await refused(t, '/v1/activities', { body: recordBody.activity({ heldOn: '2026-02-22' }) }, 400, 'INVALID_COMMAND');
  t.match(old, {
    field: 'heldOn',
    detail: 'heldOn: 2026-02-22 is more than 7 days before today (2026-03-02); the ruleset (intake.yaml recordWindowDays) allows 7',
  });
  for (const heldOn of ['2026-03-02', '2026-02-23']) {
    t.equal((await h.inject('POST', '/v1/activities', { body: recordBody.activity({ heldOn }) })).statusCode, 201, heldOn);
  }
  const notADate = await refused(t, '/v1/activities', { body: recordBody.activity({ heldOn: '2026-02-30' }) }, 400, 'VALIDATION_FAILED');
  t.same(fieldsOf(notADate), ['body.heldOn']);
});

t.test('an archive check found wrong without its wrong fields, a failed spot check without findings → 400 naming the field', async (t) => {
  for (const wrongFields of [undefined, []]) {
    const problem = await refused(t, '/v1/archive-checks', { body: recordBody.archive_check({ wrongFields }) }, 400, 'VALIDATION_FAILED');
    t.same(fieldsOf(problem), ['body.wrongFields'], JSON.stringify(wrongFields));
    t.match(problem.detail, /an incorrect record names its wrong fields/);
  }
  const correctWithFields = await refused(t, '/v1/archive-checks', { body: recordBody.archive_check({ correct: true }) }, 400, 'VALIDATION_FAILED');
  t.same(fieldsOf(correctWithFields), ['body.wrongFields'], 'a correct record names none');

  const problem = await refused(t, '/v1/inspections', { body: recordBody.inspection({ findings: undefined }) }, 400, 'VALIDATION_FAILED');
  t.same(fieldsOf(problem), ['body.findings']);
  t.match(problem.detail, /a failed spot check states its findings/);
});

t.test('a visit answered before it was received → 422 OCCURRED_AT_REFUSED', async (t) => {
  const id = await createRecord(h, 'visit');
  const earlier = Temporal.Instant.from(CLOCK_START).subtract({ minutes: 5 }).toString();
  const problem = await refused(t, `/v1/visits/${id}/answer`, { body: { answer: '已答复', occurredAt: earlier } }, 422, 'OCCURRED_AT_REFUSED', {
    type: 'visit',
    id,
  });
  t.match(problem, { field: 'occurredAt', reason: 'before_previous_event', occurredAt: earlier });
  t.equal(problem.detail, `occurredAt ${earlier} is before the case's previous event (${CLOCK_START})`);
  t.equal((await h.inject('GET', `/v1/visits/${id}`)).json().state, 'received');
});

t.test('a visit of an unknown category, or referred to an unknown department → 400 naming the field', async (t) => {
  const category = await refused(t, '/v1/visits', { body: recordBody.visit({ category: 'ghosts' }) }, 400, 'INVALID_COMMAND');
  t.match(category, {
    field: 'category',
    detail: 'category: unknown visit category "ghosts"',
    allowed: ['inquiry', 'fees', 'renovation', 'suggestion', 'other'],
  });
  const id = await createRecord(h, 'visit');
  const department = await refused(t, `/v1/visits/${id}/refer`, { body: { department: 'marketing' } }, 400, 'INVALID_COMMAND', { type: 'visit', id });
  t.match(department, { field: 'department', detail: 'department: unknown department "marketing"' });
  const channel = await refused(t, '/v1/visits', { body: recordBody.visit({ channel: 'fax' }) }, 400, 'VALIDATION_FAILED');
  t.same(fieldsOf(channel), ['body.channel']);
});
