import t from 'tap';
import { roles } from '../../src/domain/events/envelope.js';
import { buildDashboardHarness } from './dashboard-harness.js';

/** web/roles.js, the page's role table (plain JS for the browser; imported by a computed path, without types). */
interface RoleTable {
  startView(role: string): string;
  viewsOf(role: string): string[];
  readsDashboard(role: string): boolean;
}
const webRoles = '../../web/roles.js';

t.test("the page's role table offers each role only views whose routes answer it", async (t) => {
  const table = (await import(webRoles)) as RoleTable;
  const h = await buildDashboardHarness();
  t.teardown(h.close);
  const status = async (as: (typeof roles)[number], url: string) => (await h.inject('GET', url, { as: as as never })).statusCode;
  for (const role of roles.filter((r) => r !== 'system')) {
    const views = table.viewsOf(role);
    t.ok(views.includes(table.startView(role).split('/')[0]!), `${role} lands on a view of its navigation`);
    const dashboard = await status(role, '/v1/dashboard?propertyId=demo');
    t.equal(table.readsDashboard(role), dashboard === 200, `${role}: the shell opens the stream exactly when the dashboard answers it (${dashboard})`);
    if (views.includes('board') || views.includes('today')) t.equal(dashboard, 200, `${role} may read the board and today`);
    if (views.includes('agreement')) t.equal(await status(role, '/v1/compliance?propertyId=demo&period=2026-03'), 200, `${role} may read the agreement`);
    if (views.includes('find')) t.equal(await status(role, '/v1/cases?propertyId=demo&q=1'), 200, `${role} may find records`);
    const tried = await h.inject('POST', '/v1/admin/import?format=summary&dryRun=true', {
      as: role as never,
      raw: 'type,number,propertyId,unit,category,description,receivedAt\r\n',
      headers: { 'content-type': 'text/csv' },
    });
    t.equal(views.includes('import'), tried.statusCode === 200, `${role}: the import view exactly when the import answers it (${tried.statusCode})`);
    const session = (await h.inject('GET', '/dashboard/session', { as: role as never })).json();
    t.equal(views.includes('import'), session.imports !== undefined, `${role}: the import's choices come with the session exactly for the import view`);
    if (session.imports) t.match(session.imports, { shapes: ['events', 'summary'], encodings: ['utf-8', 'gb18030'], maxBytes: 64 * 1024 * 1024 });
  }
});
