import t from 'tap';
import { repairBody } from './harness.js';
import { buildDashboardHarness } from './dashboard-harness.js';

t.test("GET /v1/staff: a property's technicians with their open load, no phones, for those who dispatch", async (t) => {
  const h = await buildDashboardHarness();
  t.teardown(h.close);
  const report = async () => {
    const created = await h.inject('POST', '/v1/repairs', { as: 'frontdesk', body: repairBody() });
    t.equal(created.statusCode, 201, created.body);
    return created.json().id as string;
  };
  const dispatch = async (id: string, technicianId: string) =>
    t.equal((await h.inject('POST', `/v1/repairs/${id}/dispatch`, { as: 'dispatcher', body: { technicianId } })).statusCode, 200);
  const [a, b, c] = [await report(), await report(), await report()];
  await dispatch(a, 'tech-1');
  await dispatch(b, 'tech-1');
  await dispatch(c, 'tech-2');
  t.equal((await h.inject('POST', `/v1/repairs/${c}/cancel`, { as: 'frontdesk', body: { reason: '业主取消' } })).statusCode, 200, 'cancelled: no longer open');
  await h.runner!.waitUntilCaughtUp();

  const answer = await h.inject('GET', '/v1/staff?propertyId=demo&role=technician', { as: 'dispatcher' });
  t.equal(answer.statusCode, 200, answer.body);
  const people = answer.json().people as Array<{ id: string; openJobs: number; role: string }>;
  const load = Object.fromEntries(people.map((p) => [p.id, p.openJobs]));
  t.equal(load['tech-1'], 2, 'two open repairs');
  t.equal(load['tech-2'], 0, 'a cancelled repair is not a load');
  t.ok(people.every((p) => p.role === 'technician'));
  t.notOk(answer.body.includes('13700000000'), 'no phone numbers');
  t.match(
    people.find((p) => p.id === 'tech-1'),
    { name: '维修工tech-1', department: 'engineering', skills: ['plumbing', 'electrical'] },
  );

  for (const role of ['frontdesk', 'manager'] as const) t.equal((await h.inject('GET', '/v1/staff?propertyId=demo', { as: role })).statusCode, 200, role);
  for (const role of ['technician', 'finance', 'auditor'] as const)
    t.equal((await h.inject('GET', '/v1/staff?propertyId=demo', { as: role })).statusCode, 403, role);
});
