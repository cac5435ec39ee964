import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import t from 'tap';
import { axeViolations } from './axe.js';
import { CHROMIUM, hasChromium, launchChromium, runServer } from './browser-harness.js';
import { ADMIN_TOKEN, ARTIFACTS, owner, START, WAIT } from './dashboard-fixture.js';

/** The browser globals the page functions below use (this project's TypeScript has no DOM library). */
declare const document: {
  documentElement: { scrollWidth: number };
  querySelector(selector: string): { textContent: string | null } | null;
  dispatchEvent(event: Event): boolean;
};

/** The ids of axe-core's serious and critical violations on the page as it stands. */
const seriousViolations = async (page: Page) => (await axeViolations(page)).map((v) => v.id);

const PHONE = { width: 390, height: 844 };

t.test(
  'acting in the page: a dispatcher dispatches from the unassigned queue, the technician works it on a phone, a 412 race, the printed work order',
  { skip: hasChromium() ? false : `${CHROMIUM} is absent (.ci/run installs Debian's chromium)`, timeout: 180_000 },
  async (t) => {
    const server = await runServer({ adminToken: ADMIN_TOKEN, clockStart: START });
    t.teardown(() => server.close());
    await mkdir(ARTIFACTS, { recursive: true });
    // biome-ignore lint/suspicious/noExplicitAny: a test reads whatever JSON the route answers.
    const call = <T = any>(method: string, path: string, body?: unknown) => server.call<T>(method, path, ADMIN_TOKEN, body);

    // The people: a dispatcher and a technician of demo, each with a token of their own.
    await call('POST', '/v1/admin/staff', { id: 'zhao.dispatch', name: '赵主管', role: 'dispatcher', department: 'customer_service', properties: ['demo'] });
    await call('POST', '/v1/admin/staff', {
      id: 'li.tech',
      name: '李师傅',
      role: 'technician',
      department: 'engineering',
      properties: ['demo'],
      skills: ['plumbing'],
    });
    await call('POST', '/v1/admin/staff', { id: 'wang.tech', name: '王师傅', role: 'technician', department: 'engineering', properties: ['demo'] });
    const dispatcherToken = (await call('POST', '/v1/admin/tokens', { personId: 'zhao.dispatch' })).token as string;
    const technicianToken = (await call('POST', '/v1/admin/tokens', { personId: 'li.tech' })).token as string;
    const report = (location: string, description: string) =>
      call('POST', '/v1/repairs', { propertyId: 'demo', location, category: 'plumbing', complexity: 'general', description, owner }).then(
        (r) => r.id as string,
      );
    const leak = await report('3-2-1201', '厨房水管漏水');
    const raced = await report('5-1-302', '卫生间地漏堵塞');
    const leakNumber = (await call('GET', `/v1/repairs/${leak}`)).number as string;

    const contexts: BrowserContext[] = [];
    const open = async (token: string, viewport: { width: number; height: number }, options: { holdStream?: boolean } = {}) => {
      const profile = await mkdtemp(join(tmpdir(), 'workstation-chromium-'));
      t.teardown(() => rm(profile, { recursive: true, force: true }));
      const context = await launchChromium(profile, { viewport, locale: 'zh-CN' });
      contexts.push(context);
      t.teardown(() => context.close());
      const page = context.pages()[0] ?? (await context.newPage());
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        // A technician may not follow the property's dashboard stream: its refusal is the one error expected.
        if (message.type() === 'error' && !message.location().url.includes('/v1/dashboard/stream')) errors.push(message.text());
      });
      // A page whose live stream is held back from its first load keeps the view it began typing on.
      if (options.holdStream) await page.route('**/v1/dashboard/stream**', (route) => route.abort());
      await page.goto(`${server.base}/dashboard`);
      await page.locator('#token').fill(token);
      await page.locator('#signin button[type=submit]').click();
      await page.waitForSelector('main#main', WAIT);
      return { page, errors };
    };
    const fitsPhone = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);
    const stateOf = (page: Page, state: string) => page.waitForFunction((s) => document.querySelector('#case-state')?.textContent?.trim() === s, state, WAIT);

    // The dispatcher, on a phone: the unassigned queue lists both repairs, its count beside its name.
    const desk = await open(dispatcherToken, PHONE);
    await desk.page.goto(`${server.base}/dashboard#/queues/unassigned`);
    await desk.page.waitForSelector(`#queue-list [data-case="${leak}"]`, WAIT);
    await desk.page.waitForFunction(() => document.querySelector('#queue-unassigned .count')?.textContent === '2', undefined, WAIT);
    t.match(await desk.page.locator(`#queue-list [data-case="${leak}"]`).textContent(), new RegExp(`${leakNumber}[\\s\\S]*3-2-1201[\\s\\S]*给排水`));
    t.ok((await fitsPhone(desk.page)) <= 390, 'the queues fit 390 px');
    t.same(await seriousViolations(desk.page), [], 'axe: the queues');
    await desk.page.screenshot({ path: join(ARTIFACTS, 'workstation-queues-390.png'), fullPage: true });

    // It opens the record and dispatches it to a technician picked by name, with their open load.
    await desk.page.locator(`#queue-list [data-case="${leak}"] a`).click();
    await stateOf(desk.page, '已报修');
    await desk.page.getByRole('button', { name: '派单', exact: true }).click();
    t.same(await seriousViolations(desk.page), [], 'axe: a record with its dispatch form open');
    const technician = desk.page.getByLabel('维修人员');
    await desk.page.waitForSelector('select#action-field-technicianId option[value="li.tech"]', { ...WAIT, state: 'attached' });
    t.match(await technician.textContent(), /李师傅 · 在办 0 单/, 'each technician with their open load');
    const liValue = await technician.locator('option', { hasText: '李师傅' }).getAttribute('value');
    await technician.selectOption(liValue!);
    await desk.page.getByRole('button', { name: '提交' }).click();
    await stateOf(desk.page, '已派单');
    t.pass('dispatched through the page');

    // The printed work order: one page.
    await desk.page.goto(`${server.base}/dashboard#/print/repair/${leak}`);
    await desk.page.waitForSelector('#work-order', WAIT);
    t.match(await desk.page.locator('#work-order').textContent(), /派工单[\s\S]*3-2-1201[\s\S]*测试业主[\s\S]*厨房水管漏水[\s\S]*李师傅[\s\S]*业主签字/);
    const pdf = (await desk.page.pdf({ preferCSSPageSize: true })).toString('latin1');
    t.equal(pdf.match(/\/Type\s*\/Page(?!s)/g)?.length, 1, 'the work order prints on one page');

    // The technician, on a phone: the job in "my jobs", the owner's phone to call, the work by large buttons.
    const field = await open(technicianToken, PHONE);
    await field.page.goto(`${server.base}/dashboard#/jobs`);
    const job = field.page.locator(`#job-list [data-case="${leak}"]`);
    await job.waitFor(WAIT);
    t.equal(await job.locator('a.tel').getAttribute('href'), `tel:${owner.phone}`, "the owner's phone calls");
    t.ok((await fitsPhone(field.page)) <= 390, 'my jobs fit 390 px');
    t.same(await seriousViolations(field.page), [], 'axe: my jobs');
    await field.page.screenshot({ path: join(ARTIFACTS, 'workstation-jobs-390.png'), fullPage: true });
    for (const [action, state] of [
      ['接单', '已接单'],
      ['到场', '已到场'],
    ] as const) {
      await job.getByRole('button', { name: action, exact: true }).click();
      await job.locator('.badge', { hasText: state }).waitFor(WAIT);
      t.pass(`${action}: ${state}`);
    }
    // A new job dispatched while the list is open: read again when the phone comes back to the front, and announced.
    const another = await call<{ id: string; number: string }>('POST', '/v1/repairs', {
      propertyId: 'demo',
      location: '5-1-302',
      category: 'electrical',
      complexity: 'general',
      description: '客厅插座无电',
      owner,
    });
    await call('POST', `/v1/repairs/${another.id}/dispatch`, { technicianId: 'li.tech' });
    await field.page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await field.page.locator(`#job-list [data-case="${another.id}"]`).waitFor(WAIT);
    t.equal(await field.page.locator('#jobs-new').textContent(), `新派给您的工单：${another.number}`, 'the new job is announced');
    await job.getByRole('button', { name: '完工', exact: true }).click();
    await job.getByLabel('维修内容').fill('更换水管接头');
    await job.getByRole('button', { name: '提交' }).click();
    await job.waitFor({ ...WAIT, state: 'detached' });
    t.equal((await call('GET', `/v1/repairs/${leak}`)).state, 'completed', 'completed through the page');

    // A 412 race on one record between two browsers: the slower one sees what changed and keeps its text.
    const slow = await open(dispatcherToken, { width: 1280, height: 900 }, { holdStream: true });
    await slow.page.goto(`${server.base}/dashboard#/case/repair/${raced}`);
    await stateOf(slow.page, '已报修');
    await slow.page.getByRole('button', { name: '取消', exact: true }).click();
    await slow.page.getByLabel('原因').fill('业主说已自行修好');
    const fast = await open(ADMIN_TOKEN, { width: 1280, height: 900 });
    await fast.page.goto(`${server.base}/dashboard#/case/repair/${raced}`);
    await stateOf(fast.page, '已报修');
    await fast.page.getByRole('button', { name: '派单', exact: true }).click();
    await fast.page.waitForSelector('select#action-field-technicianId option[value="wang.tech"]', { ...WAIT, state: 'attached' });
    await fast.page.getByLabel('维修人员').selectOption('wang.tech');
    await fast.page.getByRole('button', { name: '提交' }).click();
    await stateOf(fast.page, '已派单');
    await slow.page.getByRole('button', { name: '提交' }).click();
    await slow.page.waitForSelector('#action-conflict', WAIT);
    t.match(await slow.page.locator('#action-conflict').textContent(), /已派单[\s\S]*派单/, 'the new state and the last event');
    await stateOf(slow.page, '已派单');
    t.equal(await slow.page.getByLabel('原因').inputValue(), '业主说已自行修好', 'what was typed is kept');
    t.equal((await call('GET', `/v1/repairs/${raced}`)).state, 'dispatched', 'the refused cancel wrote nothing');

    for (const [who, errors] of [
      ['dispatcher', desk.errors],
      ['technician', field.errors],
      ['admin', fast.errors],
    ] as const)
      t.same(errors, [], `no console errors (${who})`);
    t.same(
      slow.errors.filter((e) => !/412|Failed to load resource/.test(e)),
      [],
      'the racing page logs nothing but its refused request',
    );
  },
);
