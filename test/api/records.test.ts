import t from 'tap';
import type { Test } from 'tap';
import { recordOf } from '../../src/domain/records.js';
import { buildHarness, capturedLogger, staffRoles, type Caller, type Harness } from './harness.js';
import { createRecord, driveRecord, eventsOf, recordActionBodies, recordBody, recordCollection, visitor, type RecordType } from './record-bodies.js';
import { ownerData } from '../owner-data.js';

const h = await buildHarness();
t.teardown(h.close);

const types = ['visit', 'fee', 'activity', 'archive_check', 'inspection'] as const satisfies readonly RecordType[];

interface Step {
  readonly action: string;
  readonly body: Record<string, unknown>;
  readonly state: string;
  readonly allowed: readonly string[];
}
interface Path {
  readonly create?: Record<string, unknown>;
  readonly opened: { readonly state: string; readonly allowed: readonly string[]; readonly event: string };
  readonly steps: readonly Step[];
  readonly events: readonly string[];
}

/** Every action of each record type, on paths that between them visit every state. */
const paths: Record<RecordType, readonly Path[]> = {
  visit: [
    {
      opened: { state: 'received', allowed: ['answer', 'refer'], event: 'VisitReceived' },
      steps: [
        { action: 'answer', body: { answer: '已告知办理流程' }, state: 'answered', allowed: ['close'] },
        { action: 'close', body: {}, state: 'closed', allowed: [] },
      ],
      events: ['VisitReceived', 'VisitAnswered', 'VisitClosed'],
    },
    {
      opened: { state: 'received', allowed: ['answer', 'refer'], event: 'VisitReceived' },
      steps: [
        { action: 'refer', body: { department: 'finance', note: '转财务部核对' }, state: 'referred', allowed: ['answer', 'refer', 'close'] },
        { action: 'refer', body: { department: 'engineering' }, state: 'referred', allowed: ['answer', 'refer', 'close'] },
        { action: 'answer', body: { answer: '财务部已答复' }, state: 'answered', allowed: ['close'] },
        { action: 'close', body: { note: '业主已知悉' }, state: 'closed', allowed: [] },
      ],
      events: ['VisitReceived', 'VisitReferred', 'VisitReferred', 'VisitAnswered', 'VisitClosed'],
    },
  ],
  fee: [
    {
      opened: { state: 'outstanding', allowed: ['pay', 'waive'], event: 'FeeBilled' },
      steps: [
        { action: 'pay', body: { amountFen: 10_000, method: 'wechat', receipt: 'R-0001' }, state: 'outstanding', allowed: ['pay', 'waive', 'refund'] },
        { action: 'waive', body: { amountFen: 25_000, reason: '困难户减免' }, state: 'settled', allowed: ['refund'] },
        { action: 'refund', body: { amountFen: 2_000, reason: '重复缴费' }, state: 'outstanding', allowed: ['pay', 'waive', 'refund'] },
        { action: 'pay', body: { amountFen: 2_000, method: 'cash' }, state: 'settled', allowed: ['refund'] },
      ],
      events: ['FeeBilled', 'FeePaid', 'FeeWaived', 'FeeRefunded', 'FeePaid'],
    },
  ],
  activity: [
    {
      opened: { state: 'held', allowed: ['correct-participation'], event: 'ActivityHeld' },
      steps: [{ action: 'correct-participation', body: { participants: 200, reason: '补登签到表' }, state: 'held', allowed: ['correct-participation'] }],
      events: ['ActivityHeld', 'ActivityParticipationCorrected'],
    },
  ],
  archive_check: [
    {
      opened: { state: 'incorrect', allowed: ['correct'], event: 'ArchiveChecked' },
      steps: [{ action: 'correct', body: { note: '已更正联系电话' }, state: 'corrected', allowed: [] }],
      events: ['ArchiveChecked', 'ArchiveCorrected'],
    },
    {
      create: { correct: true, wrongFields: undefined, note: '与产权证一致' },
      opened: { state: 'correct', allowed: [], event: 'ArchiveChecked' },
      steps: [],
      events: ['ArchiveChecked'],
    },
  ],
  inspection: [
    {
      opened: { state: 'failed', allowed: ['rectify'], event: 'InspectionRecorded' },
      steps: [{ action: 'rectify', body: { note: '已重新培训保洁员' }, state: 'rectified', allowed: [] }],
      events: ['InspectionRecorded', 'InspectionRectified'],
    },
    {
      create: { passed: true, findings: undefined },
      opened: { state: 'passed', allowed: [], event: 'InspectionRecorded' },
      steps: [],
      events: ['InspectionRecorded'],
    },
  ],
};

for (const type of types) {
  const base = `/v1/${recordCollection[type]}`;
  for (const path of paths[type]) {
    t.test(
      `${type}: create → ${path.steps.map((s) => s.action).join(' → ') || 'nothing more'} → ${path.steps.at(-1)?.state ?? path.opened.state}`,
      async (t) => {
        const body = recordBody[type](path.create);
        const created = await h.inject('POST', base, { as: 'admin', body });
        t.equal(created.statusCode, 201, created.body);
        const { id } = created.json();
        t.match(id, /^[0-9a-f-]{36}$/);
        t.same(created.json(), { id, revision: 0 });
        t.equal(created.headers.location, `${base}/${id}`);
        t.equal(created.headers.etag, '"0"');

        const opened = await h.inject('GET', `${base}/${id}`, { as: 'frontdesk' });
        t.equal(opened.statusCode, 200);
        t.match(opened.json(), { id, type, propertyId: 'demo', state: path.opened.state, revision: 0 });
        t.same(opened.json().allowedActions, path.opened.allowed, 'allowed when opened');
        t.same(opened.json().details, JSON.parse(JSON.stringify(body)), 'the details as recorded (the front desk sees the contact)');

        for (const [index, step] of path.steps.entries()) {
          const response = await h.inject('POST', `${base}/${id}/${step.action}`, { as: 'admin', body: step.body });
          t.equal(response.statusCode, 200, `${step.action}: ${response.body}`);
          t.same(response.json(), { id, revision: index + 1, state: step.state }, step.action);
          t.equal(response.headers.etag, `"${index + 1}"`);
          const view = await h.inject('GET', `${base}/${id}`, { as: 'auditor' });
          t.equal(view.json().state, step.state);
          t.equal(view.headers.etag, `"${index + 1}"`);
          t.same(view.json().allowedActions, step.allowed, `allowed after ${step.action}`);
        }

        const events = await h.inject('GET', `${base}/${id}/events`, { as: 'auditor' });
        t.equal(events.statusCode, 200);
        t.equal(events.headers.etag, `"${path.steps.length}"`);
        const history = events.json();
        t.equal(history.revision, path.steps.length);
        t.same(
          history.events.map((e: { type: string }) => e.type),
          path.events,
        );
        t.same(
          history.events.map((e: { revision: number }) => e.revision),
          [...path.events.keys()],
        );
        t.match(history.events[0].metadata, {
          caseType: type,
          caseId: id,
          propertyId: 'demo',
          actor: { role: 'admin' },
          recordedAt: String,
          occurredAt: String,
        });
      },
    );
  }
}

t.test('a created record is unknown under another record type: 404 CASE_NOT_FOUND', async (t) => {
  const id = await createRecord(h, 'visit');
  const response = await h.inject('GET', `/v1/inspections/${id}`, { as: 'admin' });
  t.equal(response.statusCode, 404);
  t.match(response.json(), { code: 'CASE_NOT_FOUND', detail: `spot check ${id} does not exist` });
});

// ——— who may write ———

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
const expected = (caller: Caller, allowed: readonly string[], success: number) => {
  if (caller === 'none' || caller === 'bad') return 401;
  if (caller === 'adminAll') return success;
  if (caller === 'elsewhere') return 403;
  return allowed.includes(caller) ? success : 403;
};

/** Sends a write and checks its status; a refusal is problem+json with its code and writes nothing. */
const attempt = async (t: Test, h: Harness, url: string, caller: Caller, body: unknown, status: number, headers: Record<string, string> = {}) => {
  const count = await h.eventCount();
  const response = await h.inject('POST', url, { as: caller, body, headers });
  t.equal(response.statusCode, status, `${caller} POST ${url.replace(/[0-9a-f-]{36}/, ':id')}${response.statusCode === status ? '' : `: ${response.body}`}`);
  if (status >= 400) {
    t.match(response.headers['content-type'], /^application\/problem\+json/);
    t.equal(response.json().code, status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN');
    t.equal(await h.eventCount(), count, 'nothing written');
  }
  return response;
};

for (const type of types) {
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
        await attempt(t, h, `${base}/${id}/${action}`, caller, recordActionBodies[type][action], expected(caller, writers[type][action]!, 200));
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
          caller === 'none' || caller === 'bad' ? 401 : caller === 'elsewhere' ? 403 : 200,
          `${caller} GET ${url.replace(id, ':id')}`,
        );
      }
    }
  });
}

t.test('a token of another property is refused on each type, also for the role that may write it', async (t) => {
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
    t.equal(response.statusCode, 403, url.replace(/[0-9a-f-]{36}/, ':id'));
    t.match(response.json(), { code: 'FORBIDDEN', propertyId: 'demo', detail: 'this token may not act on property demo' });
    t.equal(await h.eventCount(), count, 'nothing written');
  }
  const read = await h.inject('GET', `/v1/inspections/${inspectionId}`, { as: 'none', headers: as(inspectorElsewhere) });
  t.equal(read.statusCode, 403);
  // A front desk of demo may not record a visit of another property either.
  await attempt(t, h, '/v1/visits', 'frontdesk', recordBody.visit({ propertyId: 'riverside' }), 403);
});

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

// ——— retries and stale writes ———

t.test('Idempotency-Key: a repeated create or action answers as the first time and writes nothing', async (t) => {
  for (const type of types) {
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

t.test("a visitor's name and phone are never logged", async (t) => {
  const { logger, lines } = capturedLogger('trace');
  const logged = await buildHarness({ logger });
  t.teardown(logged.close);
  const created = await logged.inject('POST', '/v1/visits', { body: recordBody.visit() });
  t.equal(created.statusCode, 201);
  const id = created.json().id;
  t.equal((await logged.inject('GET', `/v1/visits/${id}`, { as: 'auditor' })).statusCode, 200);
  t.equal((await logged.inject('GET', `/v1/visits/${id}/events`, { as: 'auditor' })).statusCode, 200);
  t.equal((await logged.inject('POST', '/v1/visits', { body: recordBody.visit({ category: 'ghosts' }) })).statusCode, 400);
  t.equal((await logged.inject('POST', '/v1/visits', { body: recordBody.visit({ visitor: { ...visitor, phone: 'call me' } }) })).statusCode, 400);
  t.equal((await logged.inject('POST', '/v1/visits', { as: 'finance', body: recordBody.visit() })).statusCode, 403);
  const log = lines.join('');
  t.match(JSON.parse(lines[0]!), { msg: 'request done', status: 201, caseType: 'visit', caseId: id });
  t.notOk(log.includes(visitor.name), 'no visitor name');
  t.notOk(log.includes(visitor.phone), 'no visitor phone');
  t.notMatch(log, ownerData('2468-1357', '24681357', '13724681357'), 'no digits of the phone');
});
