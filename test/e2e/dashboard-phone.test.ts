import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Page } from 'playwright-core';
import { axeViolations, formatViolations } from './axe.js';
import { CHROMIUM, hasChromium, launchChromium, runServer } from './browser-harness.js';
import { ADMIN_TOKEN, ARTIFACTS, owner, START, WAIT } from './dashboard-fixture.js';

declare const document: { documentElement: { scrollWidth: number }; querySelector(s: string): { textContent: string | null } | null };
declare const location: { hash: string };

t.test(
  'every existing view at 390 × 844, in Chinese and English: no page-wide scrolling, no serious accessibility violation, texts in the language chosen',
  { skip: hasChromium() ? false : `${CHROMIUM} is absent`, timeout: 120_000 },
  async (t) => {
    const server = await runServer({ adminToken: ADMIN_TOKEN, clockStart: START });
    t.teardown(() => server.close());
    const profile = await mkdtemp(join(tmpdir(), 'dashboard-phone-'));
    t.teardown(() => rm(profile, { recursive: true, force: true }));
    const browser = await launchChromium(profile, { viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    t.teardown(() => browser.close());
    // biome-ignore lint/suspicious/noExplicitAny: a test reads whatever JSON the route answers.
    const call = <T = any>(method: string, path: string, body?: unknown) => server.call<T>(method, path, ADMIN_TOKEN, body);
    const receive = (unit: string) =>
      call<{ id: string }>('POST', '/v1/complaints', { propertyId: 'demo', unit, category: 'noise', description: '楼上噪音', channel: 'phone', owner }).then(
        (r) => r.id,
      );
    // One complaint late (the watcher escalates it), one closed without a callback, one open in time.
    const late = await receive('1-1-101');
    const closed = await receive('1-1-102');
    await call('POST', `/v1/complaints/${closed}/acknowledge`, {});
    await call('POST', `/v1/complaints/${closed}/assign`, { department: 'engineering' });
    await call('POST', `/v1/complaints/${closed}/resolve`, { resolution: '已协调' });
    await call('POST', `/v1/complaints/${closed}/close`, { reason: '业主电话无人接听' });
    await call('PUT', '/v1/admin/clock', { now: '2026-03-02T04:00:00Z' });
    await receive('2-1-301');
    const repair = await call<{ id: string }>('POST', '/v1/repairs', {
      propertyId: 'demo',
      location: '3-2-1201',
      category: 'plumbing',
      complexity: 'general',
      description: '厨房水管漏水',
      owner,
    }).then((r) => r.id);

    await mkdir(ARTIFACTS, { recursive: true });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.base}/dashboard`);
    await page.locator('#token').fill(ADMIN_TOKEN);
    await page.locator('#signin button[type=submit]').click();
    await page.waitForSelector('#open-complaints', WAIT);
    // biome-ignore lint/performance/useDomNodeTextContent: the text as rendered is what a person reads.
    const text = (selector: string) => page.locator(selector).first().innerText();

    /** Each view: its hash, what shows once it is drawn, and what a person does there first (find: a search). */
    const views: Array<[string, string, ((page: Page) => Promise<unknown>)?]> = [
      ['board', '#missed tbody tr'],
      ['today', '#intake-complaints'],
      ['agreement', '#kpis'],
      [`case/complaint/${late}`, '#timeline tbody tr[data-event="ComplaintEscalated"]'],
      [`case/complaint/${closed}`, '#timeline tbody tr[data-event="ComplaintClosed"]'],
      ['register/complaint', '#form-complaint'],
      ['register/repair', '#form-repair'],
      ['register/visit', '#form-visit'],
      ['register/payment', '#form-payment'],
      [
        'find',
        '#find-box',
        (p) =>
          p
            .locator('#find-box')
            .fill('1-1')
            .then(() => p.locator('#find-results a.result').first().waitFor(WAIT)),
      ],
      ['queues', '#queue-counts'],
      [`case/repair/${repair}`, '#timeline tbody tr'],
      [`print/repair/${repair}`, '#work-order'],
      [
        'import',
        '#import-form',
        // The sample tried (nothing written): the report, its warning and its refused row drawn.
        (p) =>
          p
            .locator('#import-file')
            .setInputFiles(new URL('../../docs/samples/summary-sample.csv', import.meta.url).pathname)
            .then(() => p.locator('#import-dry').click())
            .then(() => p.locator('#import-problems tbody tr').waitFor(WAIT)),
      ],
    ];
    for (const lang of ['zh', 'en']) {
      if (lang === 'en') {
        await page.locator('#lang-switch').click();
        await page.waitForFunction(() => document.querySelector('#lang-switch')?.textContent === '中文', undefined, WAIT);
      }
      for (const [hash, ready, first] of views) {
        await page.goto(`${server.base}/dashboard#/${hash}`);
        await page.waitForSelector(ready, WAIT);
        await first?.(page);
        await page.waitForTimeout(300);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        t.ok(width <= 390, `${lang} ${hash}: the page is ${width} px wide`);
        const name = /^(case|print)\//.test(hash) ? `${hash.split('/')[0]}-${views.findIndex(([h]) => h === hash)}` : hash.replace('/', '-');
        await page.screenshot({ path: join(ARTIFACTS, `phone-${lang}-${name}.png`), fullPage: true });
        const violations = await axeViolations(page);
        t.equal(violations.length, 0, `${lang} ${hash}: ${formatViolations(violations)}`);
      }
    }

    // Registration in English, on the phone: English labels, the unit refusal in English, the number on success.
    await page.goto(`${server.base}/dashboard#/register/complaint`);
    await page.getByRole('link', { name: 'Register a complaint' }).waitFor(WAIT);
    const unit = page.getByLabel('Unit', { exact: true });
    t.equal(await unit.getAttribute('placeholder'), 'e.g. 3-2-1201', "the property's example in English");
    await unit.fill('3-21201');
    await page.getByLabel('Category').selectOption({ label: 'Noise' });
    await page.getByLabel('Description').fill('楼上噪音');
    await page.getByLabel('Channel').selectOption({ index: 1 });
    await page.getByLabel("Owner's name").fill(owner.name);
    await page.getByLabel('Phone').fill(owner.phone);
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.waitForSelector('#f-complaint-unit[aria-invalid=true]', WAIT);
    t.match(await page.locator('#f-complaint-unit-error').textContent(), /^Units here are numbered like 3-2-1201/, 'the refusal in English at Unit');
    await unit.fill('3-2-1201');
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.waitForFunction(() => location.hash.startsWith('#/case/complaint/'), undefined, WAIT);
    t.match(await page.locator('#registered').textContent(), /TS-20260302-\d{4}/, 'registered, its number shown');

    // The texts of the defects, in Chinese and in the property's zone.
    await page.locator('#lang-switch').click();
    await page.waitForFunction(() => document.querySelector('#lang-switch')?.textContent === 'English', undefined, WAIT);
    await page.goto(`${server.base}/dashboard#/case/complaint/${late}`);
    const escalated = await page
      .waitForSelector('#timeline tbody tr[data-event="ComplaintEscalated"]', WAIT)
      .then(() => text('#timeline tbody tr[data-event="ComplaintEscalated"]'));
    t.match(escalated, /响应时限（截止 2026-03-02 11:00）已超时/, 'the escalation in Chinese, its deadline in Shanghai time');
    t.notMatch(escalated, /SLA|Z\b/);
    const explained = await page.locator('#case-clocks tr[data-clock="response"] .explanation').textContent();
    t.notMatch(explained ?? '', /T\d\d:\d\d|deadline|stopped/, 'the clock explained in Chinese, in local time');
    t.match(await text('#case-clocks tr[data-clock="response"] summary'), /2 小时|小时/);
    await page.goto(`${server.base}/dashboard#/case/complaint/${closed}`);
    await page.waitForSelector('#timeline tbody tr[data-event="ComplaintClosed"]', WAIT);
    const closing = await text('#timeline tbody tr[data-event="ComplaintClosed"]');
    t.match(closing, /未经回访关闭/);
    t.notMatch(closing, /withoutCallback/);
    await page.goto(`${server.base}/dashboard#/agreement`);
    await page.waitForSelector('#kpis', WAIT);
    t.match(await text('#agreement-title'), /^2026年3月目标完成情况/);
    t.match(await text('#agreement-period option:checked'), /^2026年3月$/);
    // A failing record links straight to its page, named by its work-order number.
    const callbackLink = page.locator(`tr[data-kpi="callback.rate"] a[href="#/case/complaint/${closed}"]`);
    t.match(await callbackLink.textContent(WAIT), /TS-\d{8}-\d{4}/);
    const download = page.waitForEvent('download');
    await page.locator('#agreement-csv').click();
    t.equal((await download).suggestedFilename(), 'compliance-demo-2026-03.csv');
    t.same(errors, [], 'no page errors');
  },
);
