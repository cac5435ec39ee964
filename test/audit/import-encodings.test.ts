import t from 'tap';
import { importedCaseId } from '../../src/audit/import/import.js';
import { buildHarness, owner } from '../api/harness.js';
import { gb18030Bytes } from './gb18030-bytes.js';

const HEADER = 'caseRef,caseType,action,occurredAt,actor,role,fields';
const csvJson = (value: unknown) => `"${JSON.stringify(value).replaceAll('"', '""')}"`;
const receive = (caseRef: string, description: string, at = '2026-02-10T01:00:00Z') =>
  `${caseRef},complaint,receive,${at},李娜,frontdesk,${csvJson({ propertyId: 'demo', unit: '1-1-101', category: 'noise', description, channel: 'phone', owner })}`;
const report = (caseRef: string, description: string) =>
  `${caseRef},repair,report,2026-02-11T01:00:00Z,李娜,frontdesk,${csvJson({ propertyId: 'demo', location: '2-1-202', category: 'plumbing', complexity: 'general', description, owner })}`;

const post = (h: Awaited<ReturnType<typeof buildHarness>>, body: Buffer, contentType: string, query = '') =>
  h.inject('POST', `/v1/admin/import${query}`, { as: 'admin', raw: body, headers: { 'content-type': contentType } });

const eventsOf = async (h: Awaited<ReturnType<typeof buildHarness>>, collection: string, caseType: 'complaint' | 'repair', caseRef: string) =>
  (await h.inject('GET', `/v1/${collection}/${importedCaseId(caseType, caseRef)}/events`, { as: 'auditor' })).json().events;

t.test('a GB18030 CSV with Chinese descriptions round-trips exactly', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const noise = '楼上噪音扰民，夜间装修“咚咚”响';
  const leak = '厨房水管漏水，地面积水（紧急）';
  const bytes = gb18030Bytes([HEADER, receive('GB-1', noise), report('GB-2', leak)].join('\r\n'));
  t.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes), 'the file is not UTF-8');

  const done = await post(h, bytes, 'text/csv; charset=GB18030');
  t.equal(done.statusCode, 200, done.body.slice(0, 300));
  t.match(done.json(), { cases: { imported: 2, rejected: 0 }, eventsWritten: 2, rejected: [] });
  const [received] = await eventsOf(h, 'complaints', 'complaint', 'GB-1');
  t.equal(received.data.description, noise, 'the complaint reads as written');
  t.equal(received.metadata.actor.id, '李娜');
  const [stored] = await h.store.readStream(`complaint-${importedCaseId('complaint', 'GB-1')}`);
  t.same((stored!.data as { owner: unknown }).owner, owner, "the owner's name as written (the view masks it)");
  t.equal((await eventsOf(h, 'repairs', 'repair', 'GB-2'))[0].data.description, leak);

  const again = (await post(h, bytes, 'text/csv; charset=gbk')).json();
  t.match(again, { cases: { imported: 0, unchanged: 2 }, eventsWritten: 0 }, 'the same file declared GBK reads the same: a re-run writes nothing');

  const lines = gb18030Bytes(
    `${JSON.stringify({ caseRef: 'GB-3', caseType: 'complaint', action: 'receive', occurredAt: '2026-02-12T01:00:00Z', actor: '王强', role: 'frontdesk', fields: { propertyId: 'demo', unit: '1-1-101', category: 'noise', description: noise, channel: 'phone', owner } })}\n`,
  );
  t.match((await post(h, lines, 'application/x-ndjson; charset=gb18030')).json(), { cases: { imported: 1 } }, 'JSON lines too');
  t.equal((await eventsOf(h, 'complaints', 'complaint', 'GB-3'))[0].metadata.actor.id, '王强');
});

t.test('bytes invalid in the declared encoding refuse their row, at its byte offset, and write nothing of its case', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  // Row 1 spans two lines (a quoted line break), so row 2 is on lines 3 and 4 of the file.
  const good = receive('OK-1', '第一行\n第二行');
  const bad = Buffer.concat([
    Buffer.from(`${receive('BAD-1', 'AAA').split('AAA')[0]}`),
    Buffer.from([0xe5, 0x41]),
    Buffer.from(`${receive('BAD-1', 'AAA').split('AAA')[1]}`),
  ]);
  const later = 'BAD-1,complaint,acknowledge,2026-02-10T02:00:00Z,李娜,frontdesk,';
  const body = Buffer.concat([Buffer.from(`${HEADER}\n${good}\n`), bad, Buffer.from(`\n${later}\n`)]);
  const offset = body.indexOf(Buffer.from([0xe5, 0x41]));
  const before = await h.eventCount();

  const response = await post(h, body, 'text/csv');
  t.equal(response.statusCode, 200, response.body.slice(0, 300));
  const result = response.json();
  t.match(result, { cases: { imported: 1, rejected: 1 }, eventsWritten: 1 });
  t.match(result.rejected, [
    {
      row: 2,
      field: 'row',
      code: 'INVALID_ENCODING',
      byteOffset: offset,
      value: 'e5 41 22 22',
      caseRef: 'BAD-1',
      message: /not valid utf-8 at byte offset \d+/,
    },
  ]);
  t.same(result.heldBack, [{ row: 3, caseRef: 'BAD-1', reason: 'another row of case BAD-1 was rejected' }], 'the rest of its case waits');
  t.equal(await h.eventCount(), before + 1, 'only the good case is written');
  t.equal((await eventsOf(h, 'complaints', 'complaint', 'OK-1'))[0].data.description, '第一行\n第二行');
  const stored = JSON.stringify((await h.store.readAll()).map((e) => [e.data, e.metadata]));
  t.notOk(stored.includes('\uFFFD'), 'no replacement character is stored');

  // A lead byte of GB18030 followed by a byte that cannot trail it.
  const gb = Buffer.concat([gb18030Bytes(`${HEADER}\n${receive('GB-BAD', '漏水').replace('漏水', '')}`)]);
  const at = gb.indexOf(Buffer.from('""description""'));
  const broken = Buffer.concat([gb.subarray(0, at), Buffer.from([0x81, 0x20]), gb.subarray(at)]);
  const refused = (await post(h, broken, 'text/csv; charset=gb18030')).json();
  t.match(refused, { cases: { imported: 0 }, rejected: [{ row: 1, code: 'INVALID_ENCODING', byteOffset: at, message: /not valid gb18030/ }] });
});

t.test('a UTF-8 BOM is accepted and dropped', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([HEADER, receive('BOM-1', '带签名的文件')].join('\r\n'))]);
  t.match((await post(h, body, 'text/csv; charset=utf-8')).json(), { cases: { imported: 1 }, rejected: [] });
  const lines = Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from(
      JSON.stringify({
        caseRef: 'BOM-2',
        caseType: 'complaint',
        action: 'receive',
        occurredAt: '2026-02-12T01:00:00Z',
        actor: 'li.na',
        role: 'frontdesk',
        fields: { propertyId: 'demo', unit: '1-1-101', category: 'noise', description: 'x', channel: 'phone', owner },
      }),
    ),
  ]);
  t.match((await post(h, lines, 'application/x-ndjson')).json(), { cases: { imported: 1 }, rejected: [] });
});

t.test('an unknown or unsupported charset is refused, naming it and the supported ones', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const body = Buffer.from([HEADER, receive('CS-1', '噪音')].join('\n'));
  const before = await h.eventCount();
  for (const charset of ['klingon-8', 'utf-16le']) {
    const response = await post(h, body, `text/csv; charset=${charset}`);
    t.equal(response.statusCode, 415, charset);
    t.match(response.json(), {
      code: 'UNSUPPORTED_ENCODING',
      encoding: charset,
      supported: ['utf-8', 'gb18030', 'gbk'],
      detail: new RegExp(`${charset}.*supported: utf-8, gb18030`),
    });
  }
  const json = await h.inject('POST', '/v1/admin/import', { as: 'admin', raw: '[]', headers: { 'content-type': 'application/json; charset=gb18030' } });
  t.match({ status: json.statusCode, code: json.json().code }, { status: 415, code: 'UNSUPPORTED_ENCODING' }, 'a JSON array is UTF-8');
  t.equal(await h.eventCount(), before, 'nothing written');
});

t.test('text already damaged before it came (U+FFFD) is refused, also in a JSON array the server decodes itself', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const row = {
    caseRef: 'FFFD-1',
    caseType: 'complaint',
    action: 'receive',
    occurredAt: '2026-02-12T01:00:00Z',
    actor: 'li.na',
    role: 'frontdesk',
    fields: { propertyId: 'demo', unit: '1-1-101', category: 'noise', description: 'x', channel: 'phone', owner },
  };
  const latin1 = Buffer.concat([
    Buffer.from(
      '[{"caseRef":"FFFD-1","caseType":"complaint","action":"receive","occurredAt":"2026-02-12T01:00:00Z","actor":"li.na","role":"frontdesk","fields":{"propertyId":"demo","unit":"1-1-101","category":"noise","channel":"phone","owner":{"name":"Zhang","phone":"13800000000"},"description":"caf',
    ),
    Buffer.from([0xe9]),
    Buffer.from('"}}]'),
  ]);
  const before = await h.eventCount();
  const response = await h.inject('POST', '/v1/admin/import', { as: 'admin', raw: latin1, headers: { 'content-type': 'application/json' } });
  t.match(response.json(), { cases: { imported: 0 }, rejected: [{ row: 1, field: 'fields.description', code: 'INVALID_ENCODING', message: /U\+FFFD/ }] });
  t.equal(await h.eventCount(), before, 'nothing written');
  t.match(
    (await h.inject('POST', '/v1/admin/import', { as: 'admin', body: [row] })).json(),
    { cases: { imported: 1 } },
    'the same row, undamaged, is imported',
  );
});
