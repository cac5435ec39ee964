import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { openTokenStore } from '../../src/api/auth/tokens.js';
import { CHROMIUM, hasChromium, launchChromium, newDataDir, runServer } from './browser-harness.js';
import { ADMIN_TOKEN, owner, START, WAIT } from './dashboard-fixture.js';

/** The browser globals the page functions below use (this project's TypeScript has no DOM library). */
declare const document: { documentElement: { scrollWidth: number }; activeElement: { id: string } | null };
declare const location: { hash: string };

/** A work-order number as the server mints it, e.g. BX-20260302-0001. */
const NUMBER = /[A-Z]+-\d{8}-\d{4}/;

t.test(
  'the workstation at the desk: each role lands on its view; registration, the owner by phone, a refusal, a lost connection, find, a phone',
  { skip: hasChromium() ? false : `${CHROMIUM} is absent (.ci/run installs Debian's chromium)`, timeout: 180_000 },
  async (t) => {
    const dataDir = await newDataDir();
    // Staff tokens go into the server's access database before it starts (as `npm run token` does).
    const tokens = openTokenStore(join(dataDir, 'access.db'));
    const token = (role: 'frontdesk' | 'technician' | 'dispatcher' | 'finance') => tokens.create({ role, properties: ['demo'] }).token;
    const staff = { frontdesk: token('frontdesk'), technician: token('technician'), dispatcher: token('dispatcher'), finance: token('finance') };
    tokens.close();
    const server = await runServer({ adminToken: ADMIN_TOKEN, clockStart: START, dataDir });
    t.teardown(() => server.close());
    const profile = await mkdtemp(join(tmpdir(), 'desk-chromium-'));
    t.teardown(() => rm(profile, { recursive: true, force: true }));
    const browser = await launchChromium(profile, { viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    t.teardown(() => browser.close());

    // The owner called before: an earlier complaint under the same phone number.
    const earlier = await server.call<{ id: string; number: string }>('POST', '/v1/complaints', ADMIN_TOKEN, {
      propertyId: 'demo',
      unit: '5-1-302',
      category: 'noise',
      description: '楼上夜间噪音',
      channel: 'phone',
      owner,
    });

    const errors: string[] = [];
    /** Every request a page made to the dashboard stream, from its first load. */
    const streamAsked = new Map<unknown, string[]>();
    const signIn = async (secret: string) => {
      const page = await browser.newPage();
      const asked: string[] = [];
      streamAsked.set(page, asked);
      page.on('request', (request) => {
        if (request.url().includes('/v1/dashboard/stream')) asked.push(request.url());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        // The browser logs each refused or failed request itself; the test provokes one of each on purpose.
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text());
      });
      await page.goto(`${server.base}/dashboard`);
      await page.locator('#token').fill(secret);
      await page.locator('#signin button[type=submit]').click();
      await page.waitForSelector('nav', WAIT);
      return page;
    };
    const hashOf = (page: Awaited<ReturnType<typeof signIn>>) => page.evaluate(() => location.hash);

    // The front desk lands on registration; it does not read the dashboard stream, and the page never asks for it.
    const desk = await signIn(staff.frontdesk);
    await desk.waitForFunction(() => location.hash.startsWith('#/register'), undefined, WAIT);
    t.ok(await desk.getByRole('link', { name: '登记投诉' }).isVisible(), 'the complaint form is one link away');
    t.ok(await desk.getByRole('link', { name: '查找' }).isVisible(), 'and find');

    // A repair, through the form by its labels; the owner's earlier complaint shows as the phone is typed.
    await desk.getByRole('link', { name: '登记报修' }).click();
    await desk.getByLabel('房号').fill('3-2-1201');
    await desk.getByLabel('类别').selectOption({ label: '给排水' });
    await desk.getByLabel('复杂度').selectOption({ label: '一般' });
    await desk.getByLabel('描述').fill('厨房水管漏水');
    await desk.getByLabel('业主姓名').fill(owner.name);
    await desk.getByLabel('联系电话').fill(owner.phone);
    await desk.locator('#earlier').getByText(earlier.number).waitFor(WAIT);
    t.pass('the earlier complaint of this phone is shown');
    await desk.getByLabel('联系电话').press('Enter');
    await desk.waitForFunction(() => location.hash.startsWith('#/case/repair/'), undefined, WAIT);
    const repairNumber = ((await desk.locator('#registered').textContent()) ?? '').match(NUMBER)?.[0];
    t.ok(repairNumber, `the work-order number is shown: ${repairNumber}`);

    // A complaint whose phone the server refuses: the refusal shows at the field, nothing typed is lost.
    await desk.getByRole('link', { name: '登记', exact: true }).click();
    await desk.getByRole('link', { name: '登记投诉' }).click();
    await desk.getByLabel('房号').fill('7-1-101');
    await desk.getByLabel('类别').selectOption({ label: '停车管理' });
    await desk.getByLabel('描述').fill('车位被占');
    await desk.getByLabel('来源').selectOption({ label: '来访' });
    await desk.getByLabel('业主姓名').fill('王先生');
    await desk.getByLabel('联系电话').fill('电话1380');
    await desk.getByRole('button', { name: '提交' }).click();
    const phone = desk.getByLabel('联系电话');
    await desk.waitForSelector('[aria-invalid=true]', WAIT);
    t.equal(await phone.getAttribute('aria-invalid'), 'true', 'the phone is marked refused');
    const describedBy = await phone.getAttribute('aria-describedby');
    const phoneRefusal = describedBy ? await desk.locator(`#${describedBy}`).textContent() : null;
    t.match(phoneRefusal, /^格式不对 \(.+\)$/, `the refusal is read with it, said in Chinese with the server's words after: ${phoneRefusal}`);
    t.equal(await desk.getByLabel('描述').inputValue(), '车位被占', 'what was typed is kept');

    // A unit not numbered as the property numbers them: refused at 房号, in Chinese, with the example.
    await phone.fill('13911112222');
    const unit = desk.getByLabel('房号');
    t.equal(await unit.getAttribute('placeholder'), '如 3-2-1201', "the property's example is the unit's hint");
    await unit.fill('7-1101');
    await desk.getByRole('button', { name: '提交' }).click();
    await desk.waitForSelector('#f-complaint-unit[aria-invalid=true]', WAIT);
    const unitRefusal = await desk.locator(`#${await unit.getAttribute('aria-describedby')}`).textContent();
    t.match(unitRefusal, /^房号应形如 3-2-1201/, `the refusal says how units are numbered: ${unitRefusal}`);
    await unit.fill('7-1-101');

    // The connection drops as it is submitted: the draft stays, the page says so; the retry registers it once.
    await browser.setOffline(true);
    await desk.getByRole('button', { name: '提交' }).click();
    await desk.locator('#form-problem').waitFor(WAIT);
    t.match(await desk.locator('#form-problem').textContent(), /已保留/, 'the lost connection is said, the draft kept');
    t.equal(await desk.getByLabel('房号').inputValue(), '7-1-101');
    await browser.setOffline(false);
    await desk.getByRole('button', { name: '重试' }).click();
    await desk.waitForFunction(() => location.hash.startsWith('#/case/complaint/'), undefined, WAIT);
    const complaintNumber = ((await desk.locator('#registered').textContent()) ?? '').match(NUMBER)?.[0];
    t.ok(complaintNumber, `the complaint's number: ${complaintNumber}`);

    // Find: by number (Enter opens it), by unit, by text, by phone; the arrow keys move through the results.
    await desk.getByRole('link', { name: '查找' }).click();
    const box = desk.getByRole('searchbox', { name: '查找' });
    await box.fill(repairNumber!);
    await desk.locator('#find-results a.result').first().waitFor(WAIT);
    t.match(await desk.locator('#find-results').textContent(), repairNumber!, 'the repair found by its number');
    await box.press('ArrowDown');
    await desk.keyboard.press('Enter');
    await desk.waitForFunction(() => location.hash.startsWith('#/case/repair/'), undefined, WAIT);
    await desk.goBack();
    await box.fill('7-1');
    await desk.locator('#find-results').getByText(complaintNumber!).waitFor(WAIT);
    t.pass('the complaint found by its unit');
    await box.fill('漏水');
    await desk.locator('#find-results').getByText(repairNumber!).waitFor(WAIT);
    t.pass('the repair found by a word of its description');
    await box.fill('138 0000 0000');
    await desk.locator('#find-results').getByText(earlier.number).waitFor(WAIT);
    t.pass('the owner found by phone, in another spelling');

    // A phone's width: neither view scrolls sideways.
    await desk.setViewportSize({ width: 390, height: 844 });
    t.ok((await desk.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'find fits 390 px');
    await desk.getByRole('link', { name: '登记', exact: true }).click();
    await desk.getByLabel('描述').waitFor(WAIT);
    t.ok((await desk.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'registration fits 390 px');
    t.same(streamAsked.get(desk), [], 'the front desk never asks for the dashboard stream');

    // The field and the dispatch roles land on their own views; finance on the payment form.
    const technician = await signIn(staff.technician);
    await technician.waitForFunction(() => location.hash === '#/jobs', undefined, WAIT);
    t.equal(await hashOf(technician), '#/jobs', 'a technician lands on my jobs');
    const dispatcher = await signIn(staff.dispatcher);
    await dispatcher.waitForFunction(() => location.hash === '#/queues', undefined, WAIT);
    t.equal(await hashOf(dispatcher), '#/queues', 'a dispatcher lands on the queues');
    await dispatcher.waitForSelector('#connection', WAIT);
    t.ok(streamAsked.get(dispatcher)!.length > 0, 'a dispatcher reads the dashboard stream');
    t.same(streamAsked.get(technician), [], 'a technician does not');
    const finance = await signIn(staff.finance);
    await finance.waitForFunction(() => location.hash === '#/register/payment', undefined, WAIT);
    t.ok(await finance.getByLabel('账期').isVisible(), 'finance lands on the payment form');
    // A payment on a billed month, through the form: the ledger is named by unit and month, the amount in yuan.
    await server.call('POST', '/v1/fees', ADMIN_TOKEN, { propertyId: 'demo', unit: '2-1-501', period: '2026-03', amountFen: 100_000, dueDate: '2026-03-31' });
    await finance.getByLabel('房号').fill('2-1-501');
    await finance.getByLabel('账期').fill('2026-03');
    await finance.getByLabel('金额').fill('250.50');
    await finance.getByLabel('付款方式').selectOption({ label: '现金' });
    await finance.getByRole('button', { name: '提交' }).click();
    await finance.waitForFunction(() => location.hash.startsWith('#/case/fee/'), undefined, WAIT);
    const ledger = await server.call<{ facts?: unknown }>('GET', '/v1/fees/ledger?propertyId=demo&unit=2-1-501&period=2026-03', ADMIN_TOKEN);
    t.match(JSON.stringify(ledger), /25050/, 'the payment is recorded in fen');

    t.same(errors, [], 'no errors in the console');
  },
);
