import t from 'tap';
import { buildHarness, repairBody } from './harness.js';

/** An administrator manages the directory; dispatch takes people from it; tokens are issued to them. */
const h = await buildHarness();
t.teardown(h.close);

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const addPerson = (body: Record<string, unknown>) => h.inject('POST', '/v1/admin/staff', { as: 'adminAll', body });
const reported = async () => {
  const response = await h.inject('POST', '/v1/repairs', { as: 'frontdesk', body: repairBody({ owner: { name: '王建国', phone: '13800000000' } }) });
  return response.json<{ id: string }>().id;
};
const dispatch = (id: string, technicianId: string, headers: Record<string, string> = {}) =>
  h.inject('POST', `/v1/repairs/${id}/dispatch`, { as: 'dispatcher', body: { technicianId }, headers });

await addPerson({
  id: 'liu.tech',
  name: '刘师傅',
  role: 'technician',
  department: 'engineering',
  properties: ['demo'],
  phone: '13911112222',
  skills: ['plumbing'],
});
await addPerson({ id: 'sun.tech', name: '孙师傅', role: 'technician', department: 'engineering', properties: ['riverside'] });
await addPerson({ id: 'zhou.desk', name: '周前台', role: 'frontdesk', department: 'service', properties: ['demo'] });

t.test('an administrator adds, changes, lists and deactivates a person over HTTP', async (t) => {
  const created = await addPerson({ id: 'qian.tech', name: '钱师傅', role: 'technician', department: 'engineering', properties: ['demo'] });
  t.equal(created.statusCode, 201, created.body);
  t.match(created.json(), { id: 'qian.tech', name: '钱师傅', active: true });
  t.equal((await addPerson({ id: 'qian.tech', name: '又一个', role: 'technician', department: 'x', properties: ['demo'] })).statusCode, 409);
  const changed = await h.inject('PATCH', '/v1/admin/staff/qian.tech', { as: 'adminAll', body: { skills: ['electrical'] } });
  t.match(changed.json(), { skills: ['electrical'], name: '钱师傅' });
  const listed = await h.inject('GET', '/v1/admin/staff', { as: 'adminAll' });
  t.ok(listed.json().people.some((p: { id: string }) => p.id === 'qian.tech'));
  const deactivated = await h.inject('POST', '/v1/admin/staff/qian.tech/deactivate', { as: 'adminAll', body: { reason: '离职' } });
  t.match(deactivated.json(), { id: 'qian.tech', active: false });
  t.match((await h.inject('GET', '/v1/admin/staff/qian.tech', { as: 'adminAll' })).json(), { active: false });
  t.equal((await h.inject('GET', '/v1/admin/staff/nobody', { as: 'adminAll' })).statusCode, 404);
  t.equal((await h.inject('GET', '/v1/admin/staff', { as: 'dispatcher' })).statusCode, 403, 'only an administrator');
});

t.test('a repair is dispatched only to an active technician of its property', async (t) => {
  const id = await reported();
  await h.inject('POST', '/v1/admin/staff/qian.tech/deactivate', { as: 'adminAll', body: {} });
  for (const [who, why] of [
    ['nobody', /no person "nobody" in the staff directory/],
    ['qian.tech', /qian\.tech \(钱师傅\) is no longer active/],
    ['sun.tech', /does not work for property demo/],
    ['zhou.desk', /is a frontdesk, not a technician/],
  ] as const) {
    const before = await h.eventCount();
    const refused = await dispatch(id, who);
    t.equal(refused.statusCode, 400, who);
    t.match(refused.json(), { code: 'INVALID_COMMAND', field: 'technicianId', detail: why });
    t.ok(refused.json().allowed.includes('liu.tech'), 'names who may be dispatched to');
    t.notOk(refused.json().allowed.includes('sun.tech'));
    t.equal(await h.eventCount(), before, 'nothing written');
  }
  t.equal((await dispatch(id, 'liu.tech')).statusCode, 200);
});

t.test('a token issued to a person acts as them; its events show their name; revoked, it is refused on the next request', async (t) => {
  const issued = await h.inject('POST', '/v1/admin/tokens', { as: 'adminAll', body: { personId: 'liu.tech' } });
  t.equal(issued.statusCode, 201, issued.body);
  const { token, id: tokenId, role, properties, expiresAt } = issued.json();
  t.same({ role, properties }, { role: 'technician', properties: ['demo'] }, "the person's role and properties");
  t.equal(expiresAt, new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10) + expiresAt.slice(10), 'expires in 90 days');

  const id = await reported();
  t.equal((await dispatch(id, 'liu.tech')).statusCode, 200);
  t.equal((await h.inject('POST', `/v1/repairs/${id}/accept`, { headers: bearer(token) })).statusCode, 200);
  const events = (await h.inject('GET', `/v1/repairs/${id}/events`, { as: 'manager' })).json().events;
  t.same(events.at(-1).metadata.actor, { id: 'liu.tech', role: 'technician', name: '刘师傅' }, 'the person, by name');
  const dispatched = events.find((e: { type: string }) => e.type === 'RepairDispatched');
  t.same(
    [dispatched.data.technicianId, dispatched.names],
    ['liu.tech', { technicianId: '刘师傅' }],
    'the technician sent, by id in the data and by name beside it',
  );
  t.notOk(events[0].names, 'an event naming nobody has no names');
  const stored = (await h.store.readStream(`repair-${id}`)).at(-1)!;
  t.same((stored.metadata as { actor: unknown }).actor, { id: 'liu.tech', role: 'technician' }, 'the stored event keeps the id alone');
  t.notOk('names' in (await h.store.readStream(`repair-${id}`)).find((e) => e.type === 'RepairDispatched')!, 'and no names');
  t.match((await h.inject('GET', `/v1/repairs/${id}`, { headers: bearer(token) })).json(), { lastChangedBy: { id: 'liu.tech', name: '刘师傅' } });

  const list = await h.inject('GET', '/v1/admin/tokens', { as: 'adminAll' });
  t.ok(list.json().tokens.some((row: { id: string; personId: string }) => row.id === tokenId && row.personId === 'liu.tech'));
  t.notMatch(list.body, token.split('_').slice(2).join('_'), 'never a secret');
  t.notMatch(list.body, /secret/);

  t.equal((await h.inject('POST', `/v1/admin/tokens/${tokenId}/revoke`, { as: 'adminAll' })).statusCode, 200);
  const refused = await h.inject('GET', `/v1/repairs/${id}`, { headers: bearer(token) });
  t.equal(refused.statusCode, 401, 'refused on the next request');
});

t.test('deactivating a person revokes their tokens', async (t) => {
  await addPerson({ id: 'wu.tech', name: '吴师傅', role: 'technician', department: 'engineering', properties: ['demo'] });
  const { token } = (await h.inject('POST', '/v1/admin/tokens', { as: 'adminAll', body: { personId: 'wu.tech' } })).json();
  const id = await reported();
  t.equal((await h.inject('GET', `/v1/repairs/${id}`, { headers: bearer(token) })).statusCode, 200);
  t.match((await h.inject('POST', '/v1/admin/staff/wu.tech/deactivate', { as: 'adminAll' })).json(), { tokensRevoked: 1 });
  t.equal((await h.inject('GET', `/v1/repairs/${id}`, { headers: bearer(token) })).statusCode, 401);
  t.equal((await h.inject('POST', '/v1/admin/tokens', { as: 'adminAll', body: { personId: 'wu.tech' } })).statusCode, 409, 'no new token for them');
});

t.test("the owner's contact: shown to the desk, dispatchers and the repair's technician, masked for everyone else", async (t) => {
  const { token } = (await h.inject('POST', '/v1/admin/tokens', { as: 'adminAll', body: { personId: 'liu.tech' } })).json();
  await addPerson({ id: 'zheng.tech', name: '郑师傅', role: 'technician', department: 'engineering', properties: ['demo'] });
  const other = (await h.inject('POST', '/v1/admin/tokens', { as: 'adminAll', body: { personId: 'zheng.tech' } })).json().token;
  const id = await reported();
  await dispatch(id, 'liu.tech');
  const clear = { name: '王建国', phone: '13800000000' };
  const masked = { name: '王**', phone: '138****0000' };
  const ownerAs = async (headers: Record<string, string>) => (await h.inject('GET', `/v1/repairs/${id}`, { headers })).json().details.owner;
  const as = (role: 'frontdesk' | 'dispatcher' | 'manager' | 'auditor' | 'finance' | 'admin' | 'technician') => ({
    authorization: `Bearer ${h.tokens.secrets[role]}`,
  });
  t.same(await ownerAs(as('frontdesk')), clear, 'frontdesk');
  t.same(await ownerAs(as('dispatcher')), clear, 'dispatcher');
  t.same(await ownerAs(bearer(token)), clear, 'the technician the repair is dispatched to');
  t.same(await ownerAs(bearer(other)), masked, 'another technician');
  for (const role of ['manager', 'auditor', 'finance', 'admin', 'technician'] as const) t.same(await ownerAs(as(role)), masked, role);
  const events = (await h.inject('GET', `/v1/repairs/${id}/events`, { as: 'manager' })).json().events;
  t.same(events[0].data.owner, masked, 'the history masks it too');
});
