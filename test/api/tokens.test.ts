import t from 'tap';
import { bootstrapAdmin, openTokenStore } from '../../src/api/auth/tokens.js';

t.test('verified tokens are remembered, but a replaced or wrong secret is never accepted', async (t) => {
  const tokens = openTokenStore(':memory:');
  t.teardown(() => tokens.close());
  const { token, principal } = tokens.create({ role: 'frontdesk', properties: ['demo'] });
  t.same(tokens.verify(token), principal);
  t.equal(tokens.verify(token), tokens.verify(token), 'the second verification is the remembered one');
  t.throws(() => (tokens.verify(token)!.properties as string[]).push('elsewhere'), TypeError, 'what is remembered cannot be changed by a caller');
  t.equal(tokens.verify(`${token}x`), undefined);
  t.equal(tokens.verify(token.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'))), undefined);

  bootstrapAdmin(tokens, 'first-admin-secret');
  t.equal(tokens.verify('first-admin-secret')?.role, 'admin');
  bootstrapAdmin(tokens, 'second-admin-secret');
  t.equal(tokens.verify('first-admin-secret'), undefined, 'a new ADMIN_TOKEN replaces the old at once');
  t.equal(tokens.verify('second-admin-secret')?.role, 'admin');
  t.same(tokens.verify(token), principal, 'other tokens still verify');
  bootstrapAdmin(tokens, undefined);
  t.equal(tokens.verify('second-admin-secret'), undefined, 'a start without ADMIN_TOKEN revokes the one before');
  t.same(tokens.verify(token), principal, 'and only it');
});
