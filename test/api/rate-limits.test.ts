import t from 'tap';
import { buildHarness } from './harness.js';

t.test('an address that keeps failing to authenticate is answered 429 with Retry-After', async (t) => {
  const h = await buildHarness({ rateLimits: { authFailuresPerMinute: 5, heavyPerMinute: 100 } });
  t.teardown(h.close);
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) statuses.push((await h.inject('GET', '/v1/queues?propertyId=demo', { as: i % 2 === 0 ? 'bad' : 'none' })).statusCode);
  t.same(statuses, [401, 401, 401, 401, 401, 429, 429, 429], 'five failures, then 429');
  const limited = await h.inject('GET', '/v1/queues?propertyId=demo', { as: 'bad' });
  t.equal(limited.statusCode, 429);
  t.match(limited.json(), { code: 'RATE_LIMITED', detail: /too many failed authentications/ });
  const after = Number(limited.headers['retry-after']);
  t.ok(after >= 1 && after <= 60, `Retry-After ${after} s`);
  const health = await h.inject('GET', '/healthz', { as: 'bad' });
  t.equal(health.statusCode, 200, 'an open route is not held back');
});

t.test('guesses at one token id are counted by the id, from any address', async (t) => {
  const h = await buildHarness({ rateLimits: { authFailuresPerMinute: 3, heavyPerMinute: 100 } });
  t.teardown(h.close);
  const good = h.tokens.secrets.manager;
  const id = /^wk_([a-z0-9]+)_/.exec(good)![1]!;
  const guess = (i: number) =>
    h.app.inject({ method: 'GET', url: '/v1/queues?propertyId=demo', remoteAddress: `10.0.0.${i}`, headers: { authorization: `Bearer wk_${id}_wrong${i}` } });
  const statuses: number[] = [];
  for (let i = 1; i <= 5; i++) statuses.push((await guess(i)).statusCode);
  t.same(statuses, [401, 401, 401, 429, 429], 'three wrong secrets for the id, from three addresses, then 429');
});

t.test('a token sends only so many audit requests a minute', async (t) => {
  const h = await buildHarness({ rateLimits: { authFailuresPerMinute: 100, heavyPerMinute: 3 } });
  t.teardown(h.close);
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await h.inject('GET', '/v1/audit/verify?propertyId=demo', { as: 'auditor' })).statusCode);
  t.same(statuses, [200, 200, 200, 429, 429]);
  t.equal((await h.inject('GET', '/v1/audit/verify?propertyId=demo', { as: 'adminAll' })).statusCode, 200, "another token's own limit");
  t.equal((await h.inject('GET', '/v1/compliance?propertyId=demo&period=2026-03', { as: 'auditor' })).statusCode, 200, 'other routes stay open to it');
});
