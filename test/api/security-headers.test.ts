import t from 'tap';
import { buildHarness, capturedLogger, complaintBody } from './harness.js';

t.test('an API answer may be framed, sniffed or kept by nobody', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const created = await h.inject('POST', '/v1/complaints', { body: complaintBody() });
  t.equal(created.statusCode, 201);
  const read = await h.inject('GET', `/v1/complaints/${created.json().id}`);
  for (const [name, answer] of [
    ['a write', created],
    ['a read with the owner', read],
    ['a refusal', await h.inject('GET', '/v1/complaints/nobody-here')],
  ] as const) {
    t.equal(answer.headers['x-content-type-options'], 'nosniff', `${name}: nosniff`);
    t.equal(answer.headers['cache-control'], 'no-store', `${name}: no-store`);
    t.equal(answer.headers['referrer-policy'], 'no-referrer', `${name}: no referrer`);
    t.equal(answer.headers['x-frame-options'], 'DENY', `${name}: DENY`);
    t.match(answer.headers['content-security-policy'], /default-src 'none'/, `${name}: loads nothing`);
    t.match(answer.headers['content-security-policy'], /frame-ancestors 'none'/, `${name}: framed by nobody`);
  }
});

t.test('a 401 names the Bearer scheme', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  for (const as of ['none', 'bad'] as const) {
    const answer = await h.inject('GET', '/v1/queues?propertyId=demo', { as });
    t.equal(answer.statusCode, 401);
    t.match(answer.headers['www-authenticate'], /^Bearer realm="wuye"$/, `${as}: WWW-Authenticate`);
  }
  const forbidden = await h.inject('POST', '/v1/complaints', { as: 'auditor', body: complaintBody() });
  t.equal(forbidden.statusCode, 403);
  t.notOk(forbidden.headers['www-authenticate'], 'a 403 has none: the token was good');
});

t.test('/docs and the dashboard page keep policies of their own, never framed', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const docs = await h.inject('GET', '/docs', { as: 'none' });
  t.equal(docs.statusCode, 200);
  const docsPolicy = String(docs.headers['content-security-policy']);
  t.match(docsPolicy, /script-src 'self'/, 'Swagger UI runs its own scripts');
  t.match(docsPolicy, /frame-ancestors 'none'/);
  t.notMatch(docsPolicy, /upgrade-insecure-requests/, 'a server on plain HTTP keeps working');
  t.equal(docs.headers['x-content-type-options'], 'nosniff');
  const page = await h.inject('GET', '/dashboard', { as: 'none' });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-security-policy'], /script-src 'self'/, "the page's own policy, not the API's");
  t.equal(page.headers['x-frame-options'], 'DENY');
});

t.test('a logged URL keeps only the query parameters its route declares, and none personal', async (t) => {
  const { logger, lines } = capturedLogger('info');
  const h = await buildHarness({ logger });
  t.teardown(h.close);
  const secret = 'wk_leaked_0123456789abcdefghij';
  await h.inject('GET', `/v1/cases?propertyId=demo&limit=5&q=${encodeURIComponent('王秀英')}&access_token=${secret}`);
  await h.inject('GET', `/healthz?token=${secret}`, { as: 'none' });
  const urls = lines
    .map((l) => JSON.parse(l))
    .filter((l) => l.msg === 'request done')
    .map((l) => l.url);
  t.same(urls, ['/v1/cases?propertyId=demo&limit=5&q=[redacted]&access_token=[redacted]', '/healthz?token=[redacted]']);
  const log = lines.join('');
  t.notOk(log.includes(secret), 'the secret is nowhere in the log');
  t.notOk(log.includes('王秀英'), 'nor the searched name');
});
