import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { technicianFields } from '../staff-fixture.js';
import t from 'tap';
import { CHROMIUM, hasChromium, launchChromium, newDataDir, prefillComplaints, runServer } from './browser-harness.js';
import { ADMIN_TOKEN, ARTIFACTS, kpiNames, owner, recordTheRestOfTheAgreement, START, visitor, WAIT } from './dashboard-fixture.js';

/** The browser globals the page functions below use (this project's TypeScript has no DOM library). */
interface PageStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}
interface PageElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
}
declare const document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): ArrayLike<PageElement> };
declare const sessionStorage: PageStorage;
declare const localStorage: PageStorage;
declare const window: Record<string, unknown>;
declare const location: { hash: string };

t.test(
  'the dashboard page in Chromium: sign-in, live board, missed deadline, case timeline, the whole agreement, English, 2,000 open cases',
  {
    skip: hasChromium() ? false : `${CHROMIUM} is absent (.ci/run installs Debian's chromium)`,
  },
  async (t) => {
    const started = Date.now();
    const server = await runServer({ adminToken: ADMIN_TOKEN, clockStart: START });
    t.teardown(() => server.close());
    const profile = await mkdtemp(join(tmpdir(), 'dashboard-chromium-'));
    t.teardown(() => rm(profile, { recursive: true, force: true }));
    const browser = await launchChromium(profile, { viewport: { width: 1360, height: 1000 }, locale: 'zh-CN' });
    t.teardown(() => browser.close());
    await mkdir(ARTIFACTS, { recursive: true });

    // biome-ignore lint/suspicious/noExplicitAny: a test reads whatever JSON the route answers.
    const call = <T = any>(method: string, path: string, body?: unknown) => server.call<T>(method, path, ADMIN_TOKEN, body);
    const moveClock = (now: string) => call('PUT', '/v1/admin/clock', { now });
    const receive = (unit: string, category: string, channel: string) =>
      call<{ id: string }>('POST', '/v1/complaints', { propertyId: 'demo', unit, category, description: '业主反映问题', channel, owner }).then((r) => r.id);

    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const urls: string[] = [];
    page.on('request', (request) => urls.push(request.url()));
    // biome-ignore lint/performance/useDomNodeTextContent: the text as rendered (hidden parts left out) is what a person reads.
    const text = (selector: string) => page.locator(selector).first().innerText();
    const waitText = (selector: string, expected: string) =>
      page.waitForFunction(([s, e]) => document.querySelector(s!)?.textContent?.trim() === e, [selector, expected], WAIT);

    // The page is open; its data is not: the sign-in form comes first.
    const served = await fetch(`${server.base}/dashboard`);
    t.equal(served.headers.get('content-type'), 'text/html; charset=utf-8');
    t.match(served.headers.get('content-security-policy'), /script-src 'self' 'sha256-/);
    const vendor = await fetch(`${server.base}/dashboard/assets/vendor/preact.mjs`);
    t.equal(vendor.headers.get('content-type'), 'text/javascript; charset=utf-8');
    t.match(vendor.headers.get('cache-control'), /max-age=/);
    t.equal((await fetch(`${server.base}/dashboard/assets/vendor/preact.mjs`, { headers: { 'if-none-match': vendor.headers.get('etag')! } })).status, 304);
    t.equal((await fetch(`${server.base}/dashboard/session`)).status, 401, 'the session route needs the token');

    await page.goto(`${server.base}/dashboard`);
    await page.waitForSelector('#signin', WAIT);
    await page.locator('#token').fill(ADMIN_TOKEN);
    await page.locator('#signin button[type=submit]').click();
    await page.waitForSelector('#open-complaints', WAIT);
    await waitText('#connection', '● 实时');
    t.equal(await page.evaluate(() => sessionStorage.getItem('dashboard.token')), ADMIN_TOKEN, 'the token is kept in sessionStorage');
    await page.evaluate(() => {
      window.notReloaded = true;
    });

    // A few cases of every kind, then the complaint the test follows.
    const parking = await receive('7-1-101', 'parking', 'wechat');
    const assigned = await receive('3-2-1201', 'environment', 'walk_in');
    await call('POST', `/v1/complaints/${assigned}/acknowledge`, {});
    await call('POST', `/v1/complaints/${assigned}/assign`, { department: 'engineering' });
    const leak = (
      await call('POST', '/v1/repairs', {
        propertyId: 'demo',
        location: '3-2-1201',
        category: 'plumbing',
        complexity: 'general',
        description: '厨房漏水',
        owner,
      })
    ).id;
    await call('POST', '/v1/admin/staff', { id: 'tech-9', ...technicianFields('tech-9') });
    await call('POST', `/v1/repairs/${leak}/dispatch`, { technicianId: 'tech-9' });
    await call('POST', '/v1/repairs', { propertyId: 'demo', location: 'B2 车库', category: 'elevator', complexity: 'complex', description: '电梯异响', owner });
    const complaint = await receive('5-1-302', 'noise', 'phone');

    await waitText('#open-complaints', '3');
    await waitText('#open-repairs', '2');
    t.equal(await page.evaluate(() => window.notReloaded), true, 'the board followed the stream without a reload');

    // 100 minutes on: the 2-hour response clock is past its 80 % mark; the undispatched repair's 30 minutes are gone.
    await moveClock('2026-03-02T02:40:00Z');
    const followed = `tr[data-case="${complaint}"]`;
    await page.waitForSelector(`#at-risk ${followed}`, WAIT);
    t.match(await text(`#at-risk ${followed}`), /有风险/, 'at risk says so in words');
    const countdown = await text(`#at-risk ${followed} .countdown`);
    await page.waitForFunction(([s, before]) => document.querySelector(s!)?.textContent !== before, [`#at-risk ${followed} .countdown`, countdown], WAIT);
    t.pass(`the countdown moves by itself (${countdown})`);

    // Past the response deadline (11:00 in Shanghai): the complaint moves to the missed list.
    await moveClock('2026-03-02T03:01:00Z');
    await page.waitForSelector(`#missed ${followed}`, WAIT);
    const missedRow = await text(`#missed ${followed}`);
    t.match(missedRow, /超时/, 'missed says so in words');
    t.match(missedRow, /2026-03-02 11:00/, "the deadline is shown in the property's zone");
    t.equal(await page.locator(`#at-risk ${followed}`).count(), 0, 'and it left the at-risk list');

    // Filters narrow every figure: building 7 has the one parking complaint.
    await page.locator('#filter-building').fill('7');
    await page.locator('#filter-building').blur();
    await waitText('#open-complaints', '1');
    await page.waitForSelector(`tr[data-case="${parking}"]`, WAIT);
    await page.getByRole('button', { name: '清除筛选' }).click();
    await waitText('#open-complaints', '3');

    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-board.png'), fullPage: true });

    // The case: state, allowed actions, clocks explained, the timeline.
    await page.locator(`#missed ${followed} a.case-link`).click();
    await page.waitForSelector('#timeline tbody tr', WAIT);
    t.equal(await text('#case-state'), '已受理');
    t.match(await text('#allowed-actions'), /开始处理/);
    t.match(await text('#case-clocks tr[data-clock="response"]'), /超时/);
    t.ok((await page.locator('#case-clocks tr[data-clock="response"] .explanation li').count()) > 0, 'the response clock is explained');
    const first = await text('#timeline tbody tr:first-child');
    t.match(first, /受理投诉/);
    t.match(first, /admin/);
    t.match(first, /2026-03-02 09:00:00/, "recorded and claimed times in the property's zone");
    await page.locator('#case-clocks tr[data-clock="response"] summary').click();
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-case.png'), fullPage: true });

    // The rest of the agreement, this month (11:01 on 2 March): a visit answered at once; two fee ledgers of
    // ¥1,000.00, one paid, one with ¥234.50 paid and due yesterday; an activity of 420 of demo's 1,200
    // households; an owner record found right and one found wrong; a spot check passed.
    const { visit, owing, wrong } = await recordTheRestOfTheAgreement(call);

    // The agreement: all thirteen KPIs named in Chinese; the failing timely-handling figure links to the complaint.
    await page.locator('#nav-agreement').click();
    const failing = `#kpis tr[data-kpi="complaint.timely_handling"] a[href*="${complaint}"]`;
    await page.waitForSelector(failing, WAIT);
    t.match(await text('#kpis tr[data-kpi="complaint.timely_handling"]'), /未达标/);
    const row = (kpi: string) => `#kpis tr[data-kpi="${kpi}"]`;
    await page.waitForSelector(`${row('fee.collection_rate')} a[href="#/case/fee/${owing}"]`, WAIT);
    const rows = await page.evaluate(() =>
      Array.from(document.querySelectorAll('#kpis tbody tr'), (r) => [r.getAttribute('data-kpi'), r.querySelector('th')?.textContent]),
    );
    t.same(Object.fromEntries(rows), kpiNames, 'the thirteen KPIs of the agreement, each named in Chinese');
    const cells = async (kpi: string) => ({
      target: await text(`${row(kpi)} td.target`),
      ratio: await text(`${row(kpi)} td.ratio`),
      result: await text(`${row(kpi)} .badge`),
    });
    t.same(await cells('fee.collection_rate'), { target: '≥ 95.0%', ratio: '¥1,234.50 / ¥2,000.00', result: '✕ 未达标' }, 'fees by amount, in yuan');
    t.same(await cells('activity.participation'), { target: '≥ 30.0%', ratio: '420 / 1,200 户', result: '✓ 达标' }, 'participation in households');
    t.match(await text(row('activity.participation')), /35\.0%/);
    t.same(await cells('activity.count'), { target: '每月 ≥ 1 次 · 100% 的月份', ratio: '1 / 1 个月', result: '✓ 达标' }, 'March had its activity');
    t.same(await cells('visit.reception_rate'), { target: '≥ 100%', ratio: '1 / 1 件', result: '✓ 达标' });
    t.same(await cells('archive.accuracy'), { target: '≥ 100%', ratio: '1 / 2 次', result: '✕ 未达标' });
    t.ok(await page.locator(`${row('archive.accuracy')} a[href="#/case/archive_check/${wrong}"]`).count(), 'the wrong owner record links to its check');
    t.same(await cells('inspection.pass_rate'), { target: '≥ 92.0%', ratio: '1 / 1 次', result: '✓ 达标' });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-agreement.png'), fullPage: true });

    // February, ended without any activity: a month that missed its target, named as a month, with no page to link to.
    await page.locator('#agreement-period').selectOption('2026-02');
    await waitText(`${row('activity.count')} td.ratio`, '0 / 1 个月');
    t.match(await text(`${row('activity.count')} .badge`), /未达标/);
    t.equal(await text(`${row('activity.count')} ul.failing`), '2026年2月');
    t.equal(await page.locator(`${row('activity.count')} time[datetime="2026-02"]`).count(), 1);
    t.equal(await page.locator(`${row('activity.count')} ul.failing a`).count(), 0, 'a month is not a link');
    t.match(await text(row('fee.collection_rate')), /无数据/, 'nothing billed for February');

    // A failing fee ledger's page: what it owes, and its timeline.
    await page.locator('#agreement-period').selectOption('2026-03');
    await page.locator(`${row('fee.collection_rate')} a[href="#/case/fee/${owing}"]`).click();
    await page.waitForSelector('#timeline tbody tr[data-event="FeePaid"]', WAIT);
    t.equal(await text('#case-state'), '未结清');
    t.match(await text('#allowed-actions'), /收费/);
    t.match(await text('#case-facts'), /欠费\s+¥765\.50/);
    t.match(await text('#timeline tbody tr[data-event="FeePaid"]'), /¥234\.50/);
    t.equal(await page.locator('#case-clocks').count(), 0, 'a fee ledger has no SLA clock');
    // A visit's page: its reception clock, and neither the visitor's name nor phone.
    await page.evaluate((hash) => {
      location.hash = hash;
    }, `#/case/visit/${visit}`);
    await page.waitForSelector('#timeline tbody tr[data-event="VisitAnswered"]', WAIT);
    t.equal(await text('#case-state'), '已答复');
    t.match(await text('#case-clocks tr[data-clock="response"]'), /达标/);
    const visitPage = await text('main');
    t.notOk(visitPage.includes(visitor.name) || visitPage.includes(visitor.phone), 'the visitor is not named on the page');
    await page.locator('#nav-agreement').click();
    await page.waitForSelector(row('fee.collection_rate'), WAIT);

    // English, remembered across a reload (and still signed in: the token is in this tab's session).
    await page.locator('#lang-switch').click();
    await waitText('#nav-board', 'SLA board');
    t.equal(await page.evaluate(() => localStorage.getItem('dashboard.lang')), 'en');
    await page.reload();
    await waitText('#nav-agreement', 'Agreement');
    await page.waitForSelector('#kpis tr[data-kpi="complaint.timely_handling"]', WAIT);
    t.match(await text('#kpis tr[data-kpi="complaint.timely_handling"]'), /Not met/);
    t.equal(await text('#kpis tr[data-kpi="fee.collection_rate"] th'), 'Fee collection rate (by amount)');
    t.equal(await text('#kpis tr[data-kpi="activity.participation"] td.ratio'), '420 / 1,200 households');
    await page.locator('#nav-today').click();
    await page.waitForSelector('#intake-title', WAIT);
    t.match(await text('#intake-title'), /Received today \(2026-03-02\)/);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-today-en.png'), fullPage: true });

    // 2,000 open complaints, all at risk, on a second server: the first render of that board, from navigation start.
    const bulkDir = await newDataDir();
    const bulkStarted = Date.now();
    await prefillComplaints(bulkDir, 2000, START);
    const bulkMs = Date.now() - bulkStarted;
    const bulk = await runServer({ adminToken: ADMIN_TOKEN, clockStart: '2026-03-02T02:45:00Z', dataDir: bulkDir });
    t.teardown(() => bulk.close());
    for (const giveUp = Date.now() + 30_000; ; ) {
      const dashboard = await bulk.call('GET', '/v1/dashboard?propertyId=demo&limit=1', ADMIN_TOKEN);
      if (dashboard.open.complaint.total === 2000) break;
      if (Date.now() > giveUp) throw new Error(`the read model did not catch up: ${JSON.stringify(dashboard.lag)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await page.goto(`${bulk.base}/dashboard`);
    await page.locator('#token').fill(ADMIN_TOKEN);
    await page.locator('#signin button[type=submit]').click();
    await page.waitForSelector('#at-risk tbody tr', WAIT);
    await page.reload();
    await page.waitForFunction(() => performance.getEntriesByName('dashboard:first-render').length > 0, null, WAIT);
    const firstRender = await page.evaluate(() => performance.getEntriesByName('dashboard:first-render')[0]!.duration);
    t.equal(await text('#open-complaints'), '2000');
    t.equal(await text('#at-risk-total'), '2000');
    t.equal(await page.locator('#at-risk tbody tr').count(), 50, 'long lists draw 50 rows, then "show more"');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-board-2000.png') });
    await page.getByRole('button', { name: /显示更多/ }).click();
    await page.waitForFunction(() => document.querySelectorAll('#at-risk tbody tr').length === 250, null, WAIT);
    t.comment(`2,000 complaints written in ${bulkMs} ms; first render ${Math.round(firstRender)} ms`);

    // The server goes away: the page says it is disconnected, and when it will try again.
    await bulk.close();
    await page.waitForFunction(() => /连接中断，\d+ 秒后重连/.test(document.querySelector('#connection')?.textContent ?? ''), null, WAIT);
    t.pass('a lost stream shows as disconnected, with the next attempt');

    // A token the server refuses brings the sign-in back, and the page forgets it.
    await page.goto(`${server.base}/dashboard`);
    await page.waitForSelector('#open-complaints', WAIT);
    await page.evaluate(() => sessionStorage.setItem('dashboard.token', 'wk_revoked_0000000000000000'));
    await page.reload();
    await page.waitForSelector('#signin', WAIT);
    t.match(await text('#signin'), /sign in again/, 'in English, as chosen on this origin');
    t.equal(await page.evaluate(() => sessionStorage.getItem('dashboard.token')), null);

    t.notOk(
      urls.some((url) => url.includes(ADMIN_TOKEN)),
      'the token never appeared in a URL',
    );
    t.same(errors, [], 'no errors in the page');
    t.comment(`browser test took ${Date.now() - started} ms`);
  },
);
