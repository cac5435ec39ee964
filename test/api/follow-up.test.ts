import t from 'tap';
import { openTokenStore } from '../../src/api/auth/tokens.js';
import { rulesetOf } from '../../src/domain/records.js';
import { buildHarness, createCase, drive, issueTokens, openSqliteIn, repairBody, sampleRuleset, tempDir } from './harness.js';

const h = await buildHarness();
t.teardown(h.close);

const dissatisfied = { satisfaction: 'dissatisfied', note: '业主仍不满意' };
const allowedOf = async (url: string) => (await h.inject('GET', url, { as: 'manager' })).json().allowedActions as string[];

t.test('demo: a complaint called back dissatisfied is not closed before a follow-up; after an escalation it is', async (t) => {
  const id = await createCase(h, 'complaint');
  await drive(h, 'complaint', id, ['acknowledge', 'resolve']);
  t.equal((await h.inject('POST', `/v1/complaints/${id}/callback`, { body: dissatisfied })).statusCode, 200);
  t.same(await allowedOf(`/v1/complaints/${id}`), ['callback', 'reopen', 'escalate'], 'close is not offered while the follow-up is owed');

  const count = await h.eventCount();
  const refused = await h.inject('POST', `/v1/complaints/${id}/close`, { body: {} });
  t.equal(refused.statusCode, 409);
  t.match(refused.headers['content-type'], /^application\/problem\+json/);
  t.match(refused.json(), {
    code: 'TRANSITION_NOT_ALLOWED',
    command: 'close',
    state: 'called_back',
    rule: 'agreements/demo-2026.yaml followUp.complaint: required',
    reason: 'the last callback was dissatisfied: reopen, escalate or call back again first',
  });
  t.same(refused.json().allowed, ['callback', 'reopen', 'escalate']);
  t.match(refused.json().detail, /rule agreements\/demo-2026\.yaml followUp\.complaint: required/);
  t.equal(await h.eventCount(), count, 'nothing written');

  t.equal((await h.inject('POST', `/v1/complaints/${id}/escalate`, { body: { reason: '业主不满意，报经理跟进' } })).statusCode, 200);
  t.ok((await allowedOf(`/v1/complaints/${id}`)).includes('close'), 'close offered once followed up');
  const closed = await h.inject('POST', `/v1/complaints/${id}/close`, { body: {} });
  t.equal(closed.statusCode, 200, closed.body);
  t.equal(closed.json().state, 'closed');
});

t.test('demo: another callback that is satisfied also allows the close', async (t) => {
  const id = await createCase(h, 'complaint');
  await drive(h, 'complaint', id, ['acknowledge', 'resolve']);
  t.equal((await h.inject('POST', `/v1/complaints/${id}/callback`, { body: dissatisfied })).statusCode, 200);
  t.equal((await h.inject('POST', `/v1/complaints/${id}/callback`, { body: { satisfaction: 'satisfied' } })).statusCode, 200);
  t.ok((await allowedOf(`/v1/complaints/${id}`)).includes('close'));
  t.equal((await h.inject('POST', `/v1/complaints/${id}/close`, { body: {} })).statusCode, 200);
});

t.test('demo: a repair called back dissatisfied closes (followUp.repair: optional)', async (t) => {
  const id = await createCase(h, 'repair');
  await drive(h, 'repair', id, ['dispatch', 'accept', 'arrive', 'complete']);
  t.equal((await h.inject('POST', `/v1/repairs/${id}/callback`, { body: dissatisfied })).statusCode, 200);
  t.ok((await allowedOf(`/v1/repairs/${id}`)).includes('close'), 'close offered');
  const closed = await h.inject('POST', `/v1/repairs/${id}/close`, { body: {} });
  t.equal(closed.statusCode, 200, closed.body);
  t.equal(closed.json().state, 'closed');
});

t.test("riverside: its agreement requires a repair's follow-up too, and the refusal names that file", async (t) => {
  const created = await h.inject('POST', '/v1/repairs', { as: 'adminAll', body: repairBody({ propertyId: 'riverside' }) });
  t.equal(created.statusCode, 201);
  const id = created.json().id;
  for (const [action, body] of [
    ['dispatch', { technicianId: 'tech-3' }],
    ['accept', {}],
    ['arrive', {}],
    ['complete', { workDone: '更换阀门' }],
    ['callback', dissatisfied],
  ] as const) {
    t.equal((await h.inject('POST', `/v1/repairs/${id}/${action}`, { as: 'adminAll', body })).statusCode, 200, action);
  }
  const view = await h.inject('GET', `/v1/repairs/${id}`, { as: 'adminAll' });
  t.notOk(view.json().allowedActions.includes('close'), 'close is not offered');
  const refused = await h.inject('POST', `/v1/repairs/${id}/close`, { as: 'adminAll', body: {} });
  t.equal(refused.statusCode, 409);
  t.match(refused.json(), {
    code: 'TRANSITION_NOT_ALLOWED',
    rule: 'agreements/riverside-2026.yaml followUp.repair: required',
    reason: 'the last callback was dissatisfied: rework or call back again first',
  });
});

t.test('the rule in force now decides, for a case received under another: the view offers what a command would be allowed', async (t) => {
  const sample = await sampleRuleset();
  const demo = sample.files['agreements/demo-2026.yaml'] as { followUp: Record<string, string> };
  const lenient = rulesetOf({ ...sample.files, 'agreements/demo-2026.yaml': { ...demo, followUp: { ...demo.followUp, complaint: 'optional' } } });
  const { dir, remove } = await tempDir('follow-up-');
  t.teardown(remove);
  const tokenStore = openTokenStore(':memory:');
  t.teardown(() => tokenStore.close());
  const tokens = { store: tokenStore, secrets: issueTokens(tokenStore) };

  const before = await buildHarness({ store: openSqliteIn(dir), ruleset: lenient, tokens });
  const id = await createCase(before, 'complaint');
  await drive(before, 'complaint', id, ['acknowledge', 'resolve']);
  t.equal((await before.inject('POST', `/v1/complaints/${id}/callback`, { body: dissatisfied })).statusCode, 200);
  t.same((await before.inject('GET', `/v1/complaints/${id}`)).json().allowedActions, ['callback', 'close', 'reopen', 'escalate'], 'optional: close offered');
  await before.close();

  // Restarted with the sample rules, where demo's agreement requires the follow-up.
  const after = await buildHarness({ store: openSqliteIn(dir), tokens });
  t.teardown(after.close);
  const view = (await after.inject('GET', `/v1/complaints/${id}`)).json();
  t.not(view.rulesetVersion, sample.version, 'the case was received under the other ruleset');
  t.same(view.allowedActions, ['callback', 'reopen', 'escalate'], 'required now: close not offered');
  const refused = await after.inject('POST', `/v1/complaints/${id}/close`, { body: {} });
  t.equal(refused.statusCode, 409);
  t.equal(refused.json().rule, 'agreements/demo-2026.yaml followUp.complaint: required');
});
