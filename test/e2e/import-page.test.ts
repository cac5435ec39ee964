import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Page } from 'playwright-core';
import { importedCaseId } from '../../src/audit/import/import.js';
import { gb18030Bytes } from '../audit/gb18030-bytes.js';
import { axeViolations, formatViolations } from './axe.js';
import { CHROMIUM, hasChromium, launchChromium, runServer } from './browser-harness.js';
import { ADMIN_TOKEN, ARTIFACTS, START, WAIT } from './dashboard-fixture.js';

/** The browser globals the page functions below use (this project's TypeScript has no DOM library). */
declare const document: { documentElement: { scrollWidth: number }; activeElement: { id: string } | null };

const SAMPLE = new URL('../../docs/samples/summary-sample.csv', import.meta.url).pathname;
const PHONE = { width: 390, height: 844 };

t.test(
  "the administrator's import page, on a phone: the sample tried, then imported, then imported again",
  { skip: hasChromium() ? false : `${CHROMIUM} is absent (.ci/run installs Debian's chromium)`, timeout: 180_000 },
  async (t) => {
    const server = await runServer({ adminToken: ADMIN_TOKEN, clockStart: START });
    t.teardown(() => server.close());
    const profile = await mkdtemp(join(tmpdir(), 'import-chromium-'));
    t.teardown(() => rm(profile, { recursive: true, force: true }));
    const browser = await launchChromium(profile, { viewport: PHONE, locale: 'zh-CN' });
    t.teardown(() => browser.close());
    const page: Page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      // The browser logs each refused request itself; the test provokes one (the GBK file sent as UTF-8) on purpose.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text());
    });
    await page.goto(`${server.base}/dashboard`);
    await page.locator('#token').fill(ADMIN_TOKEN);
    await page.locator('#signin button[type=submit]').click();
    await page.getByRole('link', { name: '历史导入' }).click();
    await page.getByRole('heading', { name: '历史数据导入' }).waitFor(WAIT);

    // Nothing chosen: the page says so, and sends nothing.
    await page.getByRole('button', { name: '试导入（不写入）' }).click();
    t.equal(await page.locator('#import-problem').textContent(), '请先选择要导入的文件。');

    // The office's export in GBK, sent as UTF-8: refused whole, with what to choose; focus on the refusal.
    const gbk = join(profile, 'summary-gbk.csv');
    await writeFile(gbk, gb18030Bytes(await readFile(SAMPLE, 'utf8')));
    await page.getByLabel('导入文件').setInputFiles(gbk);
    await page.getByRole('button', { name: '试导入（不写入）' }).click();
    await page.locator('#import-problem').getByText('请在“文件编码”中选择 GB18030').waitFor(WAIT);
    t.equal(await page.evaluate(() => document.activeElement?.id), 'import-problem', 'focus on the refusal');
    t.equal(await page.locator('#import-problem [lang="en"]').count(), 1, "the server's sentence, marked English");
    await page.getByLabel('文件编码').selectOption('gb18030');
    await page.getByRole('button', { name: '试导入（不写入）' }).click();
    await page.locator('#import-summary').getByText('可导入 11 条记录').waitFor(WAIT);
    t.equal(await page.evaluate(() => document.activeElement?.id), 'import-result-title', 'focus on the result');
    await page.getByLabel('文件编码').selectOption('utf-8');

    await page.getByLabel('导入文件').setInputFiles(SAMPLE);
    t.equal(await page.getByLabel('文件格式').inputValue(), 'summary', 'one row per record by default');
    t.equal(await page.getByLabel('不带时区的时间').inputValue(), 'property', "the sample's local times read in the property's zone");
    await page.getByRole('button', { name: '试导入（不写入）' }).click();
    const summary = page.locator('#import-summary');
    await summary.waitFor(WAIT);
    t.equal(await summary.textContent(), '共 12 行：可导入 11 条记录，追加 0 条，已存在未变 0 条，拒绝 1 行；将写入 41 条事件，本次未写入。');
    const refused = page.locator('#import-problems tbody tr');
    t.equal(await refused.count(), 1);
    const cells = await refused.first().locator('th, td').allTextContents();
    t.match(cells, ['第 4 行', 'TS-2023-0104', 'closedAt', '2023-05-01 17:00', /^步骤时间先后颠倒 closedAt 2023-05-01 17:00 is before receivedAt/]);
    t.match(await page.locator('#import-warnings').textContent(), /未识别的列已忽略：备注/);
    const violations = await axeViolations(page);
    t.same(violations, [], formatViolations(violations));
    t.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width, 'the report fits 390 px');
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'import-390.png'), fullPage: true });
    const first = `/v1/complaints/${importedCaseId('complaint', 'TS-2023-0101')}`;
    const held = () =>
      server.call('GET', first, ADMIN_TOKEN).then(
        () => true,
        () => false,
      );
    t.equal(await held(), false, 'the trial wrote nothing');

    await page.getByRole('button', { name: '导入', exact: true }).click();
    await page.getByRole('heading', { name: '导入结果' }).waitFor(WAIT);
    t.equal(await summary.textContent(), '共 12 行：导入 11 条记录，追加 0 条，已存在未变 0 条，拒绝 1 行；写入 41 条事件。');
    t.equal(await held(), true, 'the import wrote the records');

    await page.getByRole('button', { name: '导入', exact: true }).click();
    await page.getByText('已存在未变 11 条').waitFor(WAIT);
    t.match(await summary.textContent(), /导入 0 条记录.*写入 0 条事件/, 'the same file again writes nothing');

    // A server that fails midway (stood in for by the browser's routing): the page says what was kept and that a re-run is safe.
    await page.route('**/v1/admin/import?*', (route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/problem+json',
        body: JSON.stringify({ status: 500, code: 'INTERNAL', title: 'Internal Server Error', detail: 'an unexpected error' }),
      }),
    );
    await page.getByRole('button', { name: '导入', exact: true }).click();
    await page.locator('#import-problem').getByText('导入中断').waitFor(WAIT);
    t.match(await page.locator('#import-problem').textContent(), /已写入的记录保留.*不会重复写入/);
    await page.unroute('**/v1/admin/import?*');

    // An import the server stopped (its store unavailable) says what it wrote before, and where it stopped.
    await page.route('**/v1/admin/import?*', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          status: 503,
          code: 'STORE_UNAVAILABLE',
          title: 'Service Unavailable',
          detail: 'the import stopped at record TS-2023-0107 (row 7): the event store is not answering',
          written: { records: 1234, events: 5678 },
          stoppedAt: { caseRef: 'TS-2023-0107', row: 7 },
        }),
      }),
    );
    await page.getByRole('button', { name: '导入', exact: true }).click();
    await page.locator('#import-problem').getByText('导入在第 7 行（记录 TS-2023-0107）停止').waitFor(WAIT);
    t.match(await page.locator('#import-problem').textContent(), /已写入 1,234 条记录（5,678 条事件）.*从停止处继续/);
    await page.unroute('**/v1/admin/import?*');

    // A connection lost after the server began to answer: the page does not claim nothing was written.
    await page.route('**/v1/admin/import?*', (route) =>
      route.fulfill({ status: 200, contentType: 'text/event-stream', body: 'event: progress\ndata: {"records":0,"of":12}\n\n' }),
    );
    await page.getByRole('button', { name: '导入', exact: true }).click();
    await page.locator('#import-problem').getByText('连接在导入途中中断').waitFor(WAIT);
    t.match(await page.locator('#import-problem').textContent(), /服务器可能已写入部分记录.*不会重复写入/);
    await page.unroute('**/v1/admin/import?*');

    // A file of thousands of records: the server tells its progress as it goes, and the page shows it.
    const large = join(profile, 'large.csv');
    const lines = ['type,number,propertyId,unit,category,description,receivedAt,acknowledgedAt,closedAt'];
    for (let i = 0; i < 4000; i++) {
      const minute = String(i % 60).padStart(2, '0');
      lines.push(`投诉,BIG-${i},demo,1-1-101,噪音扰民,第${i}次投诉,2023-06-01 09:${minute},2023-06-01 10:${minute},2023-06-02 10:${minute}`);
    }
    await writeFile(large, `${lines.join('\r\n')}\r\n`);
    await page.getByLabel('导入文件').setInputFiles(large);
    await page.getByRole('button', { name: '导入', exact: true }).click();
    const bar = page.getByRole('progressbar');
    await bar.waitFor(WAIT);
    t.equal(await page.locator('#import-status').textContent(), '文件已读取，正在逐条导入记录…', 'the status says the records are being imported');
    t.match(await page.locator('#import-progress-text').textContent(), /^已导入 [\d,]+ \/ 4,000 条记录$/, 'records done of the file’s');
    t.match(await bar.getAttribute('max'), '4000');
    t.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width, 'the progress fits 390 px');
    await page.screenshot({ path: join(ARTIFACTS, 'import-progress-390.png'), fullPage: true });
    await page.locator('#import-summary').getByText('导入 4,000 条记录').waitFor({ timeout: 120_000 });
    t.equal(await bar.count(), 0, 'the bar leaves with the report');

    // A file over the route's limit (the session's, lowered here to a kilobyte) is not sent at all.
    const small = await browser.newPage();
    await small.route('**/dashboard/session', async (route) => {
      const answer = await route.fetch();
      const session = await answer.json();
      await route.fulfill({ response: answer, json: { ...session, imports: { ...session.imports, maxBytes: 1024 } } });
    });
    let sent = 0;
    small.on('request', (request) => {
      if (request.url().includes('/v1/admin/import')) sent += 1;
    });
    await small.goto(`${server.base}/dashboard#/import`);
    await small.locator('#token').fill(ADMIN_TOKEN);
    await small.locator('#signin button[type=submit]').click();
    await small.getByLabel('导入文件').setInputFiles(SAMPLE);
    await small.getByRole('button', { name: '试导入（不写入）' }).click();
    await small.locator('#import-problem').getByText('超过网页导入的上限 1 MB').waitFor(WAIT);
    t.match(await small.locator('#import-problem').textContent(), /npm run import/, 'it points to the CLI');
    t.equal(sent, 0, 'and sends nothing');
    t.same(errors, [], 'no script errors');
  },
);
