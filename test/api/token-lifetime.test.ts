import { join } from 'node:path';
import t from 'tap';
import { Temporal } from 'temporal-polyfill';
import { openTokenStore } from '../../src/api/auth/tokens.js';
import { manualClock } from '../../src/runtime/clock.js';

const START = '2026-03-02T01:00:00Z';

t.test('a token expires after its term (90 days by default), on the injected clock', async (t) => {
  const clock = manualClock(Temporal.Instant.from(START));
  const tokens = openTokenStore(':memory:', { clock });
  t.teardown(() => tokens.close());
  const { token, info } = tokens.create({ role: 'frontdesk', properties: ['demo'], personId: 'zhou.desk' });
  t.equal(info.expiresAt, '2026-05-31T01:00:00.000Z');
  const short = tokens.create({ role: 'frontdesk', properties: ['demo'], expiresInDays: 1 });
  t.match(tokens.verify(short.token), { role: 'frontdesk' }, 'cached while valid');
  clock.set(Temporal.Instant.from('2026-03-03T01:00:00Z'));
  t.equal(tokens.verify(short.token), undefined, 'refused when its day is over, though cached');
  t.match(tokens.verify(token), { personId: 'zhou.desk' });
  clock.set(Temporal.Instant.from('2026-05-31T01:00:00Z'));
  t.equal(tokens.verify(token), undefined, 'refused after 90 days');
});

t.test('a token revoked through one store is refused by another on the same file within the recheck window', async (t) => {
  const file = join(t.testdir(), 'access.db');
  let ms = 0;
  const cacheClock = () => ms;
  const issuer = openTokenStore(file);
  const server = openTokenStore(file, { cacheClock });
  t.teardown(() => {
    issuer.close();
    server.close();
  });
  const { token, principal } = issuer.create({ role: 'dispatcher', properties: ['demo'] });
  t.match(server.verify(token), { role: 'dispatcher' }, 'verified, and now cached');
  issuer.revoke(principal.tokenId);
  ms += 500;
  t.match(server.verify(token), { role: 'dispatcher' }, 'half a second on, the cache may still answer');
  ms += 500;
  t.equal(server.verify(token), undefined, 'a second on, the revocation is seen (bound: 2 s)');
  t.match(issuer.get(principal.tokenId), { revokedAt: String });
});

t.test('the list names each token, its person, term and last use, never a secret or hash', async (t) => {
  const tokens = openTokenStore(':memory:', { clock: manualClock(Temporal.Instant.from(START)) });
  t.teardown(() => tokens.close());
  const { token } = tokens.create({ role: 'technician', properties: ['demo'], personId: 'liu.tech', label: '刘师傅' });
  tokens.verify(token);
  const [row] = tokens.list();
  t.same(Object.keys(row!).sort(), ['createdAt', 'expiresAt', 'id', 'label', 'lastUsedAt', 'personId', 'properties', 'revokedAt', 'role']);
  t.match(row, { personId: 'liu.tech', lastUsedAt: START.replace('Z', '') });
  t.notMatch(JSON.stringify(tokens.list()), token.split('_').slice(2).join('_'));
});
