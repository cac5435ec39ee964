import t from 'tap';
import type { Test } from 'tap';
import { recordOf } from '../../src/domain/records.js';
import {
  ASSIGNED_TECHNICIAN,
  actionBodies,
  buildHarness,
  collection,
  complaintBody,
  createCase,
  drive,
  repairBody,
  staffRoles,
  type Caller,
  type Harness,
} from './harness.js';

const h = await buildHarness();
t.teardown(h.close);

type CaseType = 'complaint' | 'repair';
const desk = ['frontdesk', 'dispatcher', 'admin'];
const dispatch = ['dispatcher', 'admin'];
const field = ['technician', 'dispatcher', 'admin'];

/** Who may call each write route, as the issue states it; the lifecycle specs must agree. */
const writers: Record<CaseType, Record<string, string[]>> = {
  complaint: {
    receive: desk,
    acknowledge: desk,
    assign: dispatch,
    resolve: desk,
    'notify-owner': desk,
    callback: desk,
    close: desk,
    reopen: desk,
    escalate: desk,
    withdraw: desk,
    reject: dispatch,
  },
  repair: {
    report: desk,
    dispatch,
    accept: field,
    arrive: field,
    pause: field,
    resume: field,
    complete: field,
    verify: desk,
    callback: desk,
    close: desk,
    cancel: desk,
    reclassify: dispatch,
  },
};

/** The actions that bring a fresh case to a state where the action is allowed. */
const before: Record<CaseType, Record<string, string[]>> = {
  complaint: {
    acknowledge: [],
    assign: ['acknowledge'],
    resolve: ['acknowledge'],
    'notify-owner': ['acknowledge', 'resolve'],
    callback: ['acknowledge', 'resolve'],
    close: ['acknowledge', 'resolve', 'callback'],
    reopen: ['acknowledge', 'resolve'],
    escalate: [],
    withdraw: [],
    reject: [],
  },
  repair: {
    dispatch: [],
    accept: ['dispatch'],
    arrive: ['dispatch', 'accept'],
    pause: ['dispatch', 'accept'],
    resume: ['dispatch', 'accept', 'pause'],
    complete: ['dispatch', 'accept', 'arrive'],
    verify: ['dispatch', 'accept', 'arrive', 'complete'],
    callback: ['dispatch', 'accept', 'arrive', 'complete'],
    close: ['dispatch', 'accept', 'arrive', 'complete', 'callback'],
    cancel: [],
    reclassify: [],
  },
};

const callers: readonly Caller[] = [...staffRoles, 'adminAll', 'elsewhere', 'none', 'bad'];

/** The status a caller must get on a write route of property `demo` whose writers are given. */
const expectedWrite = (caller: Caller, allowed: readonly string[], created: number, onRecord = false) => {
  if (caller === 'none' || caller === 'bad') return 401;
  if (caller === 'adminAll') return created;
  // A front desk, but of another property: refused for its role first (403), then refused the
  // property it names (403), and answered about an existing record of `demo` as about a missing one (404).
  if (caller === 'elsewhere') return onRecord && allowed.includes('frontdesk') ? 404 : 403;
  return allowed.includes(caller) ? created : 403;
};

const attempt = async (t: Test, h: Harness, url: string, caller: Caller, body: unknown, expected: number) => {
  const before = await h.eventCount();
  const response = await h.inject('POST', url, { as: caller, body });
  t.equal(response.statusCode, expected, `${caller} POST ${url.replace(/[0-9a-f-]{36}/, ':id')}: ${response.statusCode === expected ? '' : response.body}`);
  if (expected >= 400) {
    t.match(response.headers['content-type'], /^application\/problem\+json/);
    t.equal(response.json().code, { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'CASE_NOT_FOUND' }[expected]);
    t.equal(await h.eventCount(), before, 'nothing written');
  }
};

for (const caseType of ['complaint', 'repair'] as const) {
  const lifecycle = recordOf(caseType).lifecycle;
  const base = `/v1/${collection[caseType]}`;

  t.test(`${caseType}: the command specs grant the roles the issue states`, async (t) => {
    const fromSpecs = Object.fromEntries(lifecycle.commands.filter((c) => !c.roles.includes('system')).map((c) => [c.name, [...c.roles].sort()]));
    t.same(fromSpecs, Object.fromEntries(Object.entries(writers[caseType]).map(([name, roles]) => [name, [...roles].sort()])));
  });

  t.test(`POST ${base}: every caller`, async (t) => {
    const create = lifecycle.commands.find((c) => c.creates)!;
    for (const caller of callers) {
      await attempt(t, h, base, caller, caseType === 'complaint' ? complaintBody() : repairBody(), expectedWrite(caller, create.roles, 201));
    }
  });

  for (const spec of lifecycle.commands.filter((c) => !c.creates && !c.roles.includes('system'))) {
    t.test(`POST ${base}/:id/${spec.name}: every caller`, async (t) => {
      for (const caller of callers) {
        const id = await createCase(h, caseType);
        await drive(h, caseType, id, before[caseType][spec.name]!);
        const expected = expectedWrite(caller, spec.roles, 200, true);
        await attempt(t, h, `${base}/${id}/${spec.name}`, caller, actionBodies[caseType][spec.name], expected);
        if (expected === 200) {
          const refused = await h.inject('POST', `${base}/${id}/${spec.name}`, { as: caller, body: actionBodies[caseType][spec.name] });
          if (refused.statusCode !== 200) t.equal(refused.statusCode, 409, `${spec.name} again, if refused, is a lifecycle conflict`);
        }
      }
    });
  }

  t.test(`GET ${base}/:id and /events: every caller`, async (t) => {
    const id = await createCase(h, caseType);
    for (const url of [`${base}/${id}`, `${base}/${id}/events`]) {
      for (const caller of callers) {
        const response = await h.inject('GET', url, { as: caller });
        const expected = caller === 'none' || caller === 'bad' ? 401 : caller === 'elsewhere' ? 404 : 200;
        t.equal(response.statusCode, expected, `${caller} GET ${url}`);
      }
    }
  });
}

t.test('concrete expectations, independent of the specs', async (t) => {
  const complaint = await createCase(h, 'complaint');
  const repair = await createCase(h, 'repair');
  for (const role of ['manager', 'auditor'] as const) {
    for (const caseType of ['complaint', 'repair'] as const) {
      const id = caseType === 'complaint' ? complaint : repair;
      const base = `/v1/${collection[caseType]}`;
      await attempt(t, h, base, role, caseType === 'complaint' ? complaintBody() : repairBody(), 403);
      for (const action of Object.keys(actionBodies[caseType])) await attempt(t, h, `${base}/${id}/${action}`, role, actionBodies[caseType][action], 403);
    }
  }
  await attempt(t, h, '/v1/complaints', 'technician', complaintBody(), 403);
  await attempt(t, h, `/v1/complaints/${complaint}/escalate`, 'technician', { reason: 'x' }, 403);
  await attempt(t, h, `/v1/complaints/${complaint}/reject`, 'frontdesk', { reason: 'x' }, 403);
  await attempt(t, h, `/v1/repairs/${repair}/dispatch`, 'frontdesk', { technicianId: 't' }, 403);
  await attempt(t, h, `/v1/repairs/${repair}/dispatch`, 'technician', { technicianId: 't' }, 403);
  await attempt(t, h, `/v1/repairs/${repair}/dispatch`, 'dispatcher', { technicianId: 't' }, 200);
  // The technician's token is tech-7's: the job of technician t is not theirs to accept; a dispatcher may act for t.
  const before = await h.eventCount();
  const notTheirs = await h.inject('POST', `/v1/repairs/${repair}/accept`, { as: 'technician', body: {} });
  t.equal(notTheirs.statusCode, 403);
  t.match(notTheirs.json(), { code: 'NOT_ASSIGNED', assignee: 't', detail: /dispatched to t, not to tech-7/ });
  t.equal(await h.eventCount(), before, 'nothing written');
  await attempt(t, h, `/v1/repairs/${repair}/accept`, 'dispatcher', {}, 200);
  const own = await createCase(h, 'repair');
  await attempt(t, h, `/v1/repairs/${own}/dispatch`, 'dispatcher', { technicianId: ASSIGNED_TECHNICIAN }, 200);
  await attempt(t, h, `/v1/repairs/${own}/accept`, 'technician', {}, 200);
});

t.test("wrong property: 403 on create; a record's actions and reads answered as a missing record's; nothing written", async (t) => {
  await attempt(t, h, '/v1/complaints', 'elsewhere', complaintBody(), 403);
  await attempt(t, h, '/v1/repairs', 'elsewhere', repairBody(), 403);
  await attempt(t, h, '/v1/complaints', 'frontdesk', complaintBody({ propertyId: 'elsewhere' }), 403);
  const forbidden = await h.inject('POST', '/v1/complaints', { as: 'elsewhere', body: complaintBody() });
  t.match(forbidden.json(), { code: 'FORBIDDEN', propertyId: 'demo' });

  const id = await createCase(h, 'complaint');
  await attempt(t, h, `/v1/complaints/${id}/escalate`, 'elsewhere', { reason: '越权' }, 404);
  for (const url of [`/v1/complaints/${id}`, `/v1/complaints/${id}/events`]) {
    const response = await h.inject('GET', url, { as: 'elsewhere' });
    t.equal(response.statusCode, 404, url);
    // The owner's whole phone number: a random case id may well contain "138".
    t.notMatch(response.body, /张伟|138-0013-8000/, 'no owner data in the refusal');
  }
  // A case the caller's property does not have is unknown, not forbidden: property of `elsewhere` is not in the ruleset.
  const unknownProperty = await h.inject('POST', '/v1/complaints', { as: 'elsewhere', body: complaintBody({ propertyId: 'elsewhere' }) });
  t.equal(unknownProperty.statusCode, 400);
  t.equal(unknownProperty.json().code, 'INVALID_COMMAND');
});

t.test('401 comes before validation: no token with a bad body is 401, not 400', async (t) => {
  for (const caller of ['none', 'bad'] as const) {
    const response = await h.inject('POST', '/v1/complaints', { as: caller, body: { nonsense: true } });
    t.equal(response.statusCode, 401, caller);
    t.equal(response.json().code, 'UNAUTHENTICATED');
  }
  const malformed = await h.inject('POST', '/v1/complaints', { as: 'none', raw: '{"oops', headers: { 'content-type': 'application/json' } });
  t.equal(malformed.statusCode, 401);
  const forbidden = await h.inject('POST', '/v1/complaints', { as: 'auditor', body: { nonsense: true } });
  t.equal(forbidden.statusCode, 403, 'a role that may not write learns nothing about the body schema');
});

t.test('a malformed Authorization header is 401', async (t) => {
  for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'bearer x', h.tokens.secrets.admin]) {
    const response = await h.inject('GET', '/v1/complaints/x', { as: 'none', headers: { authorization } });
    t.equal(response.statusCode, 401, authorization);
  }
});
