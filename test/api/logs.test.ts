import t from 'tap';
import { buildHarness, capturedLogger, complaintBody, repairBody } from './harness.js';
import { ownerData } from '../owner-data.js';

t.test('logs never contain owner names or phone numbers', async (t) => {
  const { logger, lines } = capturedLogger('trace');
  const h = await buildHarness({ logger });
  t.teardown(h.close);

  const secretOwner = { name: '王秀英', phone: '+86 139-8765-4321' };
  const created = await h.inject('POST', '/v1/complaints', { body: complaintBody({ owner: secretOwner }) });
  t.equal(created.statusCode, 201);
  const id = created.json().id;
  t.equal((await h.inject('GET', `/v1/complaints/${id}`, { as: 'auditor' })).statusCode, 200);
  t.equal((await h.inject('GET', `/v1/complaints/${id}/events`, { as: 'auditor' })).statusCode, 200);
  // Failing requests that carry the owner: a bad field beside it, an unknown category, a bad phone, a refused role.
  t.equal((await h.inject('POST', '/v1/complaints', { body: complaintBody({ owner: secretOwner, channel: 'fax' }) })).statusCode, 400);
  t.equal((await h.inject('POST', '/v1/repairs', { body: repairBody({ owner: secretOwner, category: 'ghosts' }) })).statusCode, 400);
  t.equal((await h.inject('POST', '/v1/complaints', { body: complaintBody({ owner: { ...secretOwner, phone: `${secretOwner.phone}!` } }) })).statusCode, 400);
  t.equal((await h.inject('POST', '/v1/complaints', { as: 'auditor', body: complaintBody({ owner: secretOwner }) })).statusCode, 403);
  t.equal(
    (await h.inject('POST', '/v1/complaints', { raw: `{"owner": ${JSON.stringify(secretOwner)}`, headers: { 'content-type': 'application/json' } })).statusCode,
    400,
  );

  const log = lines.join('');
  t.ok(lines.length >= 8, `the app did log (${lines.length} lines)`);
  t.match(log, /request done/);
  const done = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request done');
  t.equal(done.length, 8, 'one line per request');
  t.match(done[0], { method: 'POST', url: '/v1/complaints', status: 201, responseTime: Number, role: 'frontdesk' });
  t.match(done[0], { caseType: 'complaint', caseId: id, action: String, revision: '0', replayed: false }, 'with what the command did');
  t.notOk('caseId' in done[1], 'a read applies no command');
  t.equal(lines.length, done.length, 'and no other line');
  t.notOk(
    lines.some((l) => /incoming request|request completed/.test(l)),
    "fastify's own request lines are not written besides",
  );
  for (const secret of [secretOwner.name, secretOwner.phone, '139-8765-4321']) {
    t.notOk(log.includes(secret), `"${secret}" is not in the logs`);
  }
  for (const digits of ['13987654321', '8765']) {
    t.notMatch(log, ownerData(digits), `"${digits}" is not in the logs`);
  }
  // A token is `wk_<id>_<secret>`; the secret is base64url, so it may itself contain `_`.
  const secret = /^wk_[a-z0-9]+_(.+)$/.exec(h.tokens.secrets.frontdesk)![1]!;
  t.ok(secret.length >= 40, 'the whole secret is looked for');
  t.notOk(log.includes(secret), 'nor a token secret');
});
