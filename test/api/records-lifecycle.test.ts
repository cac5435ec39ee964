import t from 'tap';
import { buildHarness, capturedLogger } from './harness.js';
import { createRecord, recordBody, recordCollection, recordTypes, visitor, type RecordType } from './record-bodies.js';
import { ownerData } from '../owner-data.js';

// Each record type through the API: created, driven through every action and state, read back.

const h = await buildHarness();
t.teardown(h.close);

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

for (const type of recordTypes) {
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
        const { number } = created.json();
        t.match(number, /^[A-Z]{2}-20260302-\d{4}$/, 'a work-order number dated the day of receipt');
        t.same(created.json(), { id, number, revision: 0 });
        t.equal(created.headers.location, `${base}/${id}`);
        t.equal(created.headers.etag, '"0"');

        const opened = await h.inject('GET', `${base}/${id}`, { as: 'frontdesk' });
        t.equal(opened.statusCode, 200);
        t.match(opened.json(), { id, type, propertyId: 'demo', state: path.opened.state, revision: 0 });
        t.same(opened.json().allowedActions, path.opened.allowed, 'allowed when opened');
        t.same(
          opened.json().details,
          { ...JSON.parse(JSON.stringify(body)), number },
          'the details as recorded, with the number (the front desk sees the contact)',
        );
        t.equal(opened.json().number, number);

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
