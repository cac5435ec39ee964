import t from 'tap';
import type { Test } from 'tap';
import { recordOf } from '../../src/domain/records.js';
import { buildHarness, staffRoles, type Caller, type Harness } from './harness.js';
import { createRecord, driveRecord, recordActionBodies, recordBody, recordCollection, recordTypes, type RecordType } from './record-bodies.js';

// Who may write each record type, and who may read it.

const h = await buildHarness();
t.teardown(h.close);

const desk = ['frontdesk', 'dispatcher', 'admin'];
const finance = ['finance', 'frontdesk', 'admin'];
const inspection = ['inspector', 'admin'];
/** Who may call each write route, as the issue states it: the command specs must agree. */
const writers: Record<RecordType, Record<string, readonly string[]>> = {
  visit: { receive: desk, answer: desk, refer: desk, close: desk },
  fee: { bill: finance, pay: finance, waive: finance, refund: finance },
  activity: { record: desk, 'correct-participation': desk },
  archive_check: { record: desk, correct: desk },
  inspection: { record: inspection, rectify: inspection },
};
/** What brings a fresh record to where the action is allowed. */
const before: Record<RecordType, Record<string, readonly string[]>> = {
  visit: { answer: [], refer: [], close: ['answer'] },
  fee: { pay: [], waive: [], refund: ['pay'] },
  activity: { 'correct-participation': [] },
  archive_check: { correct: [] },
  inspection: { rectify: [] },
};

const callers: readonly Caller[] = [...staffRoles, 'adminAll', 'elsewhere', 'none', 'bad'];
const expected = (caller: Caller, allowed: readonly string[], success: number, onRecord = false) => {
  if (caller === 'none' || caller === 'bad') return 401;
  if (caller === 'adminAll') return success;
  // A front desk of another property: refused for its role, or for the property it names (403); an
  // existing record of demo is answered as a missing one (404).
  if (caller === 'elsewhere') return onRecord && allowed.includes('frontdesk') ? 404 : 403;
  return allowed.includes(caller) ? success : 403;
};

/** Sends a write and checks its status; a refusal is problem+json with its code and writes nothing. */
const attempt = async (t: Test, h: Harness, url: string, caller: Caller, body: unknown, status: number, headers: Record<string, string> = {}) => {
  const count = await h.eventCount();
  const response = await h.inject('POST', url, { as: caller, body, headers });
  t.equal(response.statusCode, status, `${caller} POST ${url.replace(/[0-9a-f-]{36}/, ':id')}${response.statusCode === status ? '' : `: ${response.body}`}`);
  if (status >= 400) {
    t.match(response.headers['content-type'], /^application\/problem\+json/);
    t.equal(response.json().code, { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'CASE_NOT_FOUND' }[status]);
    t.equal(await h.eventCount(), count, 'nothing written');
  }
  return response;
};

for (const type of recordTypes) {
  const lifecycle = recordOf(type).lifecycle;
  const base = `/v1/${recordCollection[type]}`;

  t.test(`${type}: the command specs grant the roles the issue states`, async (t) => {
    const fromSpecs = Object.fromEntries(lifecycle.commands.filter((c) => !c.roles.includes('system')).map((c) => [c.name, [...c.roles].sort()]));
    t.same(fromSpecs, Object.fromEntries(Object.entries(writers[type]).map(([name, roles]) => [name, [...roles].sort()])));
  });

  t.test(`POST ${base}: every caller`, async (t) => {
    const create = lifecycle.commands.find((c) => c.creates)!;
    for (const caller of callers) await attempt(t, h, base, caller, recordBody[type](), expected(caller, writers[type][create.name]!, 201));
  });

  for (const action of Object.keys(before[type])) {
    t.test(`POST ${base}/:id/${action}: every caller`, async (t) => {
      for (const caller of callers) {
        const id = await createRecord(h, type);
        await driveRecord(h, type, id, before[type][action]!);
        await attempt(t, h, `${base}/${id}/${action}`, caller, recordActionBodies[type][action], expected(caller, writers[type][action]!, 200, true));
      }
    });
  }

  t.test(`GET ${base}/:id and /events: every role of the property reads, no one else`, async (t) => {
    const id = await createRecord(h, type);
    for (const url of [`${base}/${id}`, `${base}/${id}/events`]) {
      for (const caller of callers) {
        const response = await h.inject('GET', url, { as: caller });
        t.equal(
          response.statusCode,
          caller === 'none' || caller === 'bad' ? 401 : caller === 'elsewhere' ? 404 : 200,
          `${caller} GET ${url.replace(id, ':id')}`,
        );
      }
    }
  });
}

t.test(
  "a token of another property is refused on each type, also for the role that may write it; another property's record is answered as missing",
  async (t) => {
    const inspectorElsewhere = h.tokens.store.create({ role: 'inspector', properties: ['elsewhere'], label: 'inspector of elsewhere' }).token;
    const financeElsewhere = h.tokens.store.create({ role: 'finance', properties: ['elsewhere'], label: 'finance of elsewhere' }).token;
    const as = (token: string) => ({ authorization: `Bearer ${token}` });
    const inspectionId = await createRecord(h, 'inspection');
    const feeId = await createRecord(h, 'fee');
    for (const [url, body, token] of [
      ['/v1/inspections', recordBody.inspection(), inspectorElsewhere],
      [`/v1/inspections/${inspectionId}/rectify`, recordActionBodies.inspection.rectify, inspectorElsewhere],
      ['/v1/fees', recordBody.fee(), financeElsewhere],
      [`/v1/fees/${feeId}/pay`, recordActionBodies.fee.pay, financeElsewhere],
    ] as const) {
      const count = await h.eventCount();
      const response = await h.inject('POST', url, { as: 'none', body, headers: as(token) });
      if (url.includes('/v1/fees/') || url.includes('/rectify')) {
        t.equal(response.statusCode, 404, url.replace(/[0-9a-f-]{36}/, ':id'));
        t.match(response.json(), { code: 'CASE_NOT_FOUND' });
      } else {
        t.equal(response.statusCode, 403, url);
        t.match(response.json(), { code: 'FORBIDDEN', propertyId: 'demo', detail: 'this token may not act on property demo' });
      }
      t.equal(await h.eventCount(), count, 'nothing written');
    }
    const read = await h.inject('GET', `/v1/inspections/${inspectionId}`, { as: 'none', headers: as(inspectorElsewhere) });
    t.equal(read.statusCode, 404);
    // A front desk of demo may not record a visit of another property either.
    await attempt(t, h, '/v1/visits', 'frontdesk', recordBody.visit({ propertyId: 'riverside' }), 403);
  },
);

t.test('concrete refusals, independent of the specs', async (t) => {
  const inspectionId = await createRecord(h, 'inspection');
  const visitId = await createRecord(h, 'visit');
  const feeId = await createRecord(h, 'fee');
  await attempt(t, h, '/v1/inspections', 'frontdesk', recordBody.inspection(), 403);
  await attempt(t, h, '/v1/inspections', 'auditor', recordBody.inspection(), 403);
  await attempt(t, h, `/v1/inspections/${inspectionId}/rectify`, 'dispatcher', recordActionBodies.inspection.rectify, 403);
  await attempt(t, h, `/v1/inspections/${inspectionId}/rectify`, 'inspector', recordActionBodies.inspection.rectify, 200);
  await attempt(t, h, '/v1/fees', 'dispatcher', recordBody.fee(), 403);
  await attempt(t, h, `/v1/fees/${feeId}/pay`, 'inspector', recordActionBodies.fee.pay, 403);
  await attempt(t, h, `/v1/fees/${feeId}/pay`, 'finance', recordActionBodies.fee.pay, 200);
  await attempt(t, h, '/v1/visits', 'finance', recordBody.visit(), 403);
  await attempt(t, h, `/v1/visits/${visitId}/answer`, 'technician', recordActionBodies.visit.answer, 403);
  await attempt(t, h, '/v1/activities', 'manager', recordBody.activity(), 403);
  await attempt(t, h, '/v1/archive-checks', 'inspector', recordBody.archive_check(), 403);
  const refused = await h.inject('POST', '/v1/inspections', { as: 'frontdesk', body: recordBody.inspection() });
  t.match(refused.json(), { code: 'FORBIDDEN', detail: 'role frontdesk may not call this route; allowed: inspector, admin' });
});
