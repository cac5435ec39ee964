import t from 'tap';
import { findBidiControl } from '../../src/domain/events/bidi.js';
import { buildHarness, complaintBody, owner } from './harness.js';

const RLO = '\u202E';

t.test('bidirectional controls are found wherever a string sits, and named by their path', async (t) => {
  t.same(findBidiControl({ a: 'plain', b: { c: ['ok', `x${RLO}gnp.exe`] } }), { field: 'b.c.1', character: 'U+202E' });
  for (const char of ['\u202A', '\u202B', '\u202C', '\u202D', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C']) {
    t.ok(findBidiControl({ text: `a${char}b` }), `U+${char.codePointAt(0)!.toString(16)} is found`);
  }
  t.equal(findBidiControl({ text: '3-2-1201 漏水，厨房顶棚 (急) — «quoted» ‍' }), undefined, 'Chinese, punctuation and a zero-width joiner are not controls');
});

t.test('a command with a right-to-left override is refused at its field, and nothing is written', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const before = (await h.store.readAll({})).length;
  const refused = await h.inject('POST', '/v1/complaints', { body: complaintBody({ description: `附件 ${RLO}gnp.exe` }) });
  t.equal(refused.statusCode, 400);
  t.match(refused.json(), { code: 'VALIDATION_FAILED', errors: [{ field: 'body.description', message: /U\+202E/ }] });
  const inName = await h.inject('POST', '/v1/complaints', { body: complaintBody({ owner: { ...owner, name: `王${RLO}先生` } }) });
  t.match(inName.json(), { code: 'VALIDATION_FAILED', errors: [{ field: 'body.owner.name' }] });
  t.equal((await h.store.readAll({})).length, before, 'no event was written');
});

t.test('an import row with one is refused by itself, naming its field', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const receive = (caseRef: string, description: string) => ({
    caseRef,
    caseType: 'complaint',
    action: 'receive',
    occurredAt: '2026-02-10T01:00:00Z',
    actor: 'li.na',
    role: 'frontdesk',
    fields: { propertyId: 'demo', unit: '1-1-101', category: 'noise', description, channel: 'phone', owner },
  });
  const report = (await h.inject('POST', '/v1/admin/import', { as: 'admin', body: [receive('GOOD', '楼上噪音'), receive('BAD', `${RLO}gnp.exe`)] })).json();
  t.match(report, { cases: { imported: 1 }, eventsWritten: 1, rejected: [{ row: 2, field: 'fields.description', message: /U\+202E/ }] });
});
