/**
 * POST /v1/admin/import answered as it goes (Accept: text/event-stream): progress events once its
 * records begin, then the report or the problem that stopped it; a refusal before its records begin
 * answered with its own status. On the request thread and on a heavy-work thread.
 */
import t from 'tap';
import { heavyThreads } from '../../src/api/heavy/threads.js';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { createMemoryEventStore } from '../../src/store/memory.js';
import type { EventStore } from '../../src/store/port.js';
import { buildHarness, openSqliteIn, owner, sampleRuleset, tempDir, type Harness } from './harness.js';

const row = (caseRef: string, action: string, occurredAt: string, fields: Record<string, unknown> = {}) =>
  JSON.stringify({ caseRef, caseType: 'complaint', action, occurredAt, actor: 'li.na', role: 'frontdesk', fields });
const complaint = { propertyId: 'demo', unit: '1-1-101', category: 'noise', description: '历史投诉', channel: 'phone', owner };
const jsonl = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, i) => row(`${prefix}-${i}`, 'receive', '2026-02-10T01:00:00Z', complaint)).join('\n');

const post = (h: Harness, body: string, { query = '', stream = true } = {}) =>
  h.inject('POST', `/v1/admin/import${query}`, {
    as: 'admin',
    raw: body,
    headers: { 'content-type': 'application/x-ndjson', ...(stream ? { accept: 'text/event-stream' } : {}) },
  });

/** The Server-Sent Events of a body, as [event, data]; comments left out. */
const eventsOf = (body: string) =>
  body
    .split('\n\n')
    .filter((block) => block.startsWith('event: '))
    .map((block) => {
      const [event, data] = block.split('\n');
      return [event!.slice('event: '.length), JSON.parse(data!.slice('data: '.length))] as const;
    });

t.test('the import tells its progress as it goes, then its report, the same report as without progress', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const streamed = await post(h, jsonl(40, 'P'), { query: '?dryRun=true' });
  t.equal(streamed.statusCode, 200);
  t.match(streamed.headers['content-type'], /^text\/event-stream/);
  t.equal(streamed.headers['cache-control'], 'no-store');
  const events = eventsOf(streamed.body);
  const progress = events.filter(([event]) => event === 'progress').map(([, data]) => data);
  t.same(progress[0], { records: 0, of: 40 }, 'told as its records begin');
  t.same(progress.at(-1), { records: 40, of: 40 }, 'and when the last is done');
  t.ok(
    progress.every((p, i) => i === 0 || p.records >= progress[i - 1]!.records),
    'never backwards',
  );
  t.same(events.at(-1)![0], 'report', 'the report comes last');
  const plain = await post(h, jsonl(40, 'P'), { query: '?dryRun=true', stream: false });
  t.same(events.at(-1)![1], plain.json(), 'the report as the JSON answer gives it');

  // A whole-file refusal comes before any record: answered with its status, as without progress.
  const strict = await h.inject('POST', '/v1/admin/import?format=summary&strict=true', {
    as: 'admin',
    raw: 'type,number,propertyId,unit,category,description,receivedAt,备注\r\n投诉,TS-1,demo,1-1-101,噪音扰民,楼上装修,2023-05-04T09:00:00+08:00,x\r\n',
    headers: { 'content-type': 'text/csv', accept: 'text/event-stream' },
  });
  t.equal(strict.statusCode, 400);
  t.match(strict.json(), { code: 'INVALID_COMMAND', field: 'columns' });
  const forbidden = await h.inject('POST', '/v1/admin/import', {
    as: 'frontdesk',
    raw: jsonl(1, 'F'),
    headers: { 'content-type': 'application/x-ndjson', accept: 'text/event-stream' },
  });
  t.equal(forbidden.statusCode, 403);
});

t.test('an import that stops midway ends its events with the problem, and what it wrote before', async (t) => {
  const inner = createMemoryEventStore();
  let appended = 0;
  const store: EventStore = {
    ...inner,
    appendToStream: (stream, events, options) =>
      stream.startsWith('complaint-') && ++appended > 3
        ? Promise.reject(new StoreUnavailableError('the event store is not answering'))
        : inner.appendToStream(stream, events, options),
  };
  const h = await buildHarness({ store });
  t.teardown(h.close);
  const answer = await post(h, jsonl(10, 'S'));
  t.equal(answer.statusCode, 200, 'the records had begun');
  const [event, problem] = eventsOf(answer.body).at(-1)!;
  t.equal(event, 'problem');
  t.match(problem, { status: 503, code: 'STORE_UNAVAILABLE', written: { records: 3, events: 3 }, stoppedAt: { caseRef: 'S-3' } });
});

t.test('on a heavy-work thread, the progress crosses to the request', async (t) => {
  const { dir, remove } = await tempDir('import-progress-');
  t.teardown(remove);
  const ruleset = await sampleRuleset();
  const h = await buildHarness({
    store: openSqliteIn(dir),
    heavyWork: ({ store, clock }) =>
      heavyThreads({
        threads: 1,
        queue: 1,
        heapMb: 256,
        data: { dataDir: dir, rulesetFiles: ruleset.files, readModels: false, manualClock: true },
        store,
        clock,
      }),
  });
  t.teardown(h.close);
  const answer = await post(h, jsonl(30, 'T'));
  t.equal(answer.statusCode, 200);
  const events = eventsOf(answer.body);
  t.same(events[0], ['progress', { records: 0, of: 30 }]);
  t.match(events.at(-1), ['report', { cases: { imported: 30 }, eventsWritten: 30 }]);
});
