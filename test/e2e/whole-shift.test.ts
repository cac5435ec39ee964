import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import t from 'tap';
import { axeViolations, formatViolations } from './axe.js';
import { CHROMIUM, hasChromium, launchChromium, runServer } from './browser-harness.js';
import { ADMIN_TOKEN, ARTIFACTS, owner, START, WAIT } from './dashboard-fixture.js';

/** The browser globals the page functions below use (this project's TypeScript has no DOM library). */
declare const document: { documentElement: { scrollWidth: number }; querySelector(selector: string): { textContent: string | null } | null };
declare const location: { hash: string };

const DESK = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const NUMBER = /[A-Z]+-\d{8}-\d{4}/;

t.test(
  'a whole shift through the page only: the clerk registers, the dispatcher dispatches, the technician works it on a phone, the clerk calls back and closes, the manager sees it live',
  { skip: hasChromium() ? false : `${CHROMIUM} is absent (.ci/run installs Debian's chromium)`, timeout: 240_000 },
  async (t) => {
    const server = await runServer({ adminToken: ADMIN_TOKEN, clockStart: START });
    t.teardown(() => server.close());
    const shots = join(ARTIFACTS, 'shift');
    await mkdir(shots, { recursive: true });

    // Setting up is the administrator's work (the directory and the tokens); the shift itself is all in the page.
    // biome-ignore lint/suspicious/noExplicitAny: a test reads whatever JSON the route answers.
    const admin = <T = any>(method: string, path: string, body?: unknown) => server.call<T>(method, path, ADMIN_TOKEN, body);
    const people = [
      { id: 'chen.desk', name: '陈前台', role: 'frontdesk', department: 'customer_service', properties: ['demo'] },
      { id: 'zhao.dispatch', name: '赵主管', role: 'dispatcher', department: 'customer_service', properties: ['demo'] },
      { id: 'li.tech', name: '李师傅', role: 'technician', department: 'engineering', properties: ['demo'], skills: ['plumbing'] },
      { id: 'qian.manager', name: '钱经理', role: 'manager', department: 'customer_service', properties: ['demo'] },
    ];
    const tokens: Record<string, string> = {};
    for (const person of people) {
      await admin('POST', '/v1/admin/staff', person);
      tokens[person.role] = (await admin('POST', '/v1/admin/tokens', { personId: person.id })).token;
    }

    const errors: Array<[string, string]> = [];
    const signIn = async (who: string, viewport: { width: number; height: number }) => {
      const profile = await mkdtemp(join(tmpdir(), 'shift-chromium-'));
      t.teardown(() => rm(profile, { recursive: true, force: true }));
      const context = await launchChromium(profile, { viewport, locale: 'zh-CN' });
      t.teardown(() => context.close());
      const page = context.pages()[0] ?? (await context.newPage());
      page.on('pageerror', (error) => errors.push([who, error.message]));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push([who, message.text()]);
      });
      await page.goto(`${server.base}/dashboard`);
      await page.locator('#token').fill(tokens[who]!);
      await page.locator('#signin button[type=submit]').click();
      await page.waitForSelector('nav', WAIT);
      return page;
    };
    let step = 0;
    /** Each step: a screenshot, no sideways scroll on a phone, no serious or critical axe finding. */
    const checkpoint = async (page: Page, name: string, phone = false) => {
      step += 1;
      await page.screenshot({ path: join(shots, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
      if (phone) t.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390, `${name}: fits 390 px`);
      const violations = await axeViolations(page);
      t.equal(violations.length, 0, `${name}: axe finds nothing serious: ${formatViolations(violations)}`);
    };
    const stateIs = (page: Page, state: string) => page.waitForFunction((s) => document.querySelector('#case-state')?.textContent?.trim() === s, state, WAIT);
    /** An action by its button; one with fields (its button opens a form) is submitted after `fill`. */
    const act = async (page: Page, action: string, fill?: (page: Page) => Promise<void>) => {
      const button = page.getByRole('button', { name: action, exact: true });
      const opensForm = (await button.getAttribute('aria-expanded')) !== null;
      await button.click();
      if (!opensForm) return;
      await fill?.(page);
      await page.getByRole('button', { name: '提交' }).click();
    };

    // The manager opens the board first and keeps it open all shift.
    const manager = await signIn('manager', DESK);
    await manager.waitForFunction(() => location.hash === '#/board', undefined, WAIT);
    await manager.waitForFunction(() => document.querySelector('#open-repairs')?.textContent === '0', undefined, WAIT);
    await checkpoint(manager, 'manager-board-empty');

    // 09:00 — the clerk registers a repair and a complaint while the owner waits.
    const clerk = await signIn('frontdesk', DESK);
    await clerk.getByRole('link', { name: '登记报修' }).click();
    await clerk.getByLabel('房号').fill('3-2-1201');
    await clerk.getByLabel('类别').selectOption({ label: '给排水' });
    await clerk.getByLabel('复杂度').selectOption({ label: '一般' });
    await clerk.getByLabel('描述').fill('厨房水管漏水');
    await clerk.getByLabel('业主姓名').fill(owner.name);
    await clerk.getByLabel('联系电话').fill(owner.phone);
    await checkpoint(clerk, 'clerk-repair-form');
    await clerk.getByRole('button', { name: '提交' }).click();
    await clerk.waitForFunction(() => location.hash.startsWith('#/case/repair/'), undefined, WAIT);
    const repairNumber = ((await clerk.locator('#registered').textContent()) ?? '').match(NUMBER)?.[0];
    t.match(repairNumber, /^BX-20260302-\d{4}$/, 'the repair has its work-order number');
    const repair = decodeURIComponent((await clerk.evaluate(() => location.hash)).split('/')[3]!);

    await clerk.getByRole('link', { name: '登记', exact: true }).click();
    await clerk.getByRole('link', { name: '登记投诉' }).click();
    await clerk.getByLabel('房号').fill('3-2-1201');
    await clerk.getByLabel('类别').selectOption({ label: '噪音扰民' });
    await clerk.getByLabel('描述').fill('楼上装修噪音，晚上十点后仍在施工');
    await clerk.getByLabel('来源').selectOption({ label: '电话' });
    await clerk.getByLabel('业主姓名').fill(owner.name);
    await clerk.getByLabel('联系电话').fill(owner.phone);
    await clerk.getByRole('button', { name: '提交' }).click();
    await clerk.waitForFunction(() => location.hash.startsWith('#/case/complaint/'), undefined, WAIT);
    t.match((await clerk.locator('#registered').textContent()) ?? '', /TS-20260302-\d{4}/, 'the complaint has its number');
    // The clerk starts handling the complaint at once: its 2-hour clock stops on time.
    await act(clerk, '开始处理');
    await stateIs(clerk, '处理中');
    await checkpoint(clerk, 'clerk-complaint-handling');

    // The manager's board counts both, live, without a reload.
    await manager.waitForFunction(() => document.querySelector('#open-repairs')?.textContent === '1', undefined, WAIT);
    t.equal(await manager.locator('#open-complaints').textContent(), '1', 'the board counts the open complaint');

    // The dispatcher, on a phone: the repair waits in 待派单; dispatched to 李师傅 picked by name.
    const dispatcher = await signIn('dispatcher', PHONE);
    await dispatcher.goto(`${server.base}/dashboard#/queues/unassigned`);
    const queued = dispatcher.locator(`#queue-list [data-case="${repair}"]`);
    await queued.waitFor(WAIT);
    t.match(await queued.textContent(), repairNumber!, 'the queue shows the repair by its number');
    await checkpoint(dispatcher, 'dispatcher-unassigned-queue', true);
    await queued.locator('a').click();
    await stateIs(dispatcher, '已报修');
    await act(dispatcher, '派单', async (page) => {
      await page.waitForSelector('select#action-field-technicianId option[value="li.tech"]', { ...WAIT, state: 'attached' });
      await checkpoint(page, 'dispatcher-dispatch-form', true);
      await page.getByLabel('维修人员').selectOption('li.tech');
    });
    await stateIs(dispatcher, '已派单');
    const dispatchedRow = dispatcher.locator('#timeline tr[data-event="RepairDispatched"]');
    t.match(await dispatchedRow.textContent(), /维修人员\s*李师傅 \(li\.tech\)/, 'the timeline names the technician sent');
    // The manager's 今日 names him among the technicians with open work, live.
    await manager.locator('#nav-today').click();
    await manager.locator('#main table', { hasText: '李师傅' }).waitFor(WAIT);
    t.pass("the manager's today view names the technician by name");
    await manager.locator('#nav-board').click();
    await dispatcher.goto(`${server.base}/dashboard#/queues/unassigned`);
    await dispatcher.waitForSelector('#queue-empty', WAIT);
    t.pass('the unassigned queue is empty once dispatched');

    // The technician, on a phone: my jobs, then 接单 → 到场 → 完工 with large buttons.
    const technician = await signIn('technician', PHONE);
    await technician.waitForFunction(() => location.hash === '#/jobs', undefined, WAIT);
    const job = technician.locator(`#job-list [data-case="${repair}"]`);
    await job.waitFor(WAIT);
    t.equal(await job.locator('a.tel').getAttribute('href'), `tel:${owner.phone}`, "the owner's phone is a call away");
    await checkpoint(technician, 'technician-jobs', true);
    for (const [action, state] of [
      ['接单', '已接单'],
      ['到场', '已到场'],
    ] as const) {
      await job.getByRole('button', { name: action, exact: true }).click();
      await job.locator('.badge', { hasText: state }).waitFor(WAIT);
    }
    await job.getByRole('button', { name: '完工', exact: true }).click();
    await job.getByLabel('维修内容').fill('更换水管接头，试水无渗漏');
    await checkpoint(technician, 'technician-complete-form', true);
    await job.getByRole('button', { name: '提交' }).click();
    await technician.waitForSelector('#jobs-empty', WAIT);
    await checkpoint(technician, 'technician-done', true);

    // The clerk finds the repair by its number, records the owner's callback, and closes it.
    await clerk.getByRole('link', { name: '查找' }).click();
    const box = clerk.getByRole('searchbox', { name: '查找' });
    await box.fill(repairNumber!);
    await clerk.locator('#find-results a.result').first().click();
    await stateIs(clerk, '已完工');
    await act(clerk, '回访', async (page) => {
      await page.getByLabel('满意度').selectOption({ label: '满意' });
      await checkpoint(page, 'clerk-callback-form');
    });
    await stateIs(clerk, '已回访');
    await act(clerk, '关闭');
    await stateIs(clerk, '已关闭');
    await checkpoint(clerk, 'clerk-closed');

    // The manager's board and agreement show the result live: the repair is no longer open, and the
    // agreement counts its dispatch, completion, callback and rating.
    await manager.waitForFunction(() => document.querySelector('#open-repairs')?.textContent === '0', undefined, WAIT);
    t.pass('the board no longer counts the closed repair');
    await checkpoint(manager, 'manager-board');
    await manager.locator('#nav-agreement').click();
    const ratio = (kpi: string) => manager.locator(`#kpis tr[data-kpi="${kpi}"] td.ratio`);
    await manager.waitForFunction(
      () => document.querySelector('#kpis tr[data-kpi="satisfaction.rate"] td.ratio')?.textContent?.startsWith('1 / 1'),
      undefined,
      WAIT,
    );
    t.match(await ratio('repair.response_timely').textContent(), /^1 \/ 1/, 'dispatched within 30 minutes');
    t.match(await ratio('repair.completion_timely').textContent(), /^1 \/ 1/, 'completed within 24 hours');
    t.match(await ratio('callback.rate').textContent(), /^1 \/ 1/, 'called back');
    t.match(await ratio('complaint.timely_handling').textContent(), /^1 \/ 1/, 'the complaint taken up within 2 hours');
    await checkpoint(manager, 'manager-agreement');

    t.same(errors, [], 'no errors in any console');
  },
);
