import t from 'tap';
import type { Caller } from './harness.js';
import { buildDashboardHarness } from './dashboard-harness.js';

t.test("the page's session: the caller's properties with their agreements, and the names of every category", async (t) => {
  const h = await buildDashboardHarness();
  t.teardown(h.close);
  const session = async (as: Caller) => {
    const response = await h.inject('GET', '/dashboard/session', { as });
    t.equal(response.statusCode, 200, as);
    return response.json();
  };
  const all = await session('adminAll');
  t.same(
    all.properties,
    [
      {
        id: 'demo',
        name: '演示花园 (Demo Gardens)',
        timeZone: 'Asia/Shanghai',
        agreement: { id: 'demo-2026', name: '客服部2026年度目标管理责任书' },
        units: { pattern: '[1-9][0-9]?-[1-9][0-9]?-[0-9]{3,4}', example: '3-2-1201' },
      },
      {
        id: 'riverside',
        name: '滨江苑 (Riverside Court)',
        timeZone: 'Asia/Shanghai',
        agreement: { id: 'riverside-2026', name: '滨江苑客服部2026年度目标管理责任书' },
        units: { pattern: '[1-9][0-9]?-[1-9][0-9]?-[0-9]{3,4}', example: '1-1-101' },
      },
    ],
    'both sample properties, each with the agreement it signed and how it numbers its units',
  );
  t.same(Object.keys(all.categories).sort(), ['complaint', 'departments', 'repair', 'visit']);
  t.match(all.categories.visit, [{ id: 'inquiry', zh: '咨询', en: 'Inquiry' }], 'visit categories are named in both languages');
  const manager = await session('manager');
  t.same([manager.role, manager.properties.map((p: { id: string }) => p.id)], ['manager', ['demo']], 'a token of demo sees demo only');
  // Every staff role signs in: the page shows each the views its role may read.
  for (const role of ['frontdesk', 'dispatcher', 'technician', 'finance', 'inspector', 'auditor', 'admin'] as const) {
    const own = await session(role);
    t.same([own.role, own.properties.map((p: { id: string }) => p.id)], [role, ['demo']], `${role} signs in, to its own property`);
    t.ok(
      own.records.some((r: { type: string }) => r.type === 'repair'),
      `${role} learns the record types`,
    );
  }
  t.equal((await h.inject('GET', '/dashboard/session', { as: 'none' })).statusCode, 401, 'without a token: 401');
  t.equal((await h.inject('GET', '/dashboard/session', { as: 'bad' })).statusCode, 401, 'a forged token: 401');
});

t.test("the page's session names the person the token was issued to, and no one for a token issued to none", async (t) => {
  const h = await buildDashboardHarness();
  t.teardown(h.close);
  const added = await h.inject('POST', '/v1/admin/staff', {
    as: 'adminAll',
    body: { id: 'zhao.dispatch', name: '赵主管', role: 'dispatcher', department: 'service', properties: ['demo'] },
  });
  t.equal(added.statusCode, 201, added.body);
  const issued = await h.inject('POST', '/v1/admin/tokens', { as: 'adminAll', body: { personId: 'zhao.dispatch' } });
  t.equal(issued.statusCode, 201, issued.body);
  const mine = await h.inject('GET', '/dashboard/session', { headers: { authorization: `Bearer ${issued.json().token}` } });
  t.equal(mine.statusCode, 200, mine.body);
  t.same(mine.json().person, { id: 'zhao.dispatch', name: '赵主管' }, 'their id and name from the staff directory');
  t.equal((await h.inject('GET', '/dashboard/session', { as: 'manager' })).json().person, null, 'a role token names no one');
});
