/**
 * What an import does when something other than the file goes wrong on one record: the engine
 * failing to decide a row (a fault of the engine), and another writer appending to a record between
 * the import's reading of it and its append (the server's people and watcher run beside a migration).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { Temporal } from 'temporal-polyfill';
import { importedCaseId } from '../../src/audit/import/import.js';
import { IMPORT_APPEND_ATTEMPTS } from '../../src/audit/import/case-import.js';
import { csvColumnsOf } from '../../src/audit/import/run.js';
import { isImportStopped, type ImportStoppedError } from '../../src/audit/import/stopped.js';
import { importSummaryInParts } from '../../src/audit/import/stream-import.js';
import { readInParts } from '../../src/audit/import/stream-rows.js';
import { openRulesetRegistry } from '../../src/ruleset/registry.js';
import { createMemoryEventStore } from '../../src/store/memory.js';
import { StoreUnavailableError } from '../../src/store/errors.js';
import type { EventStore } from '../../src/store/port.js';
import { buildHarness, capturedLogger, owner, sampleRuleset, tempDir } from '../api/harness.js';

const row = (caseRef: string, action: string, occurredAt: string, actor: string, role: string, fields: Record<string, unknown> = {}) =>
  JSON.stringify({ caseRef, caseType: 'complaint', action, occurredAt, actor, role, fields });
const complaint = (category = 'noise') => ({ propertyId: 'demo', unit: '1-1-101', category, description: '历史投诉', channel: 'phone', owner });
const ndjson = { 'content-type': 'application/x-ndjson' };
const streamOf = (ref: string) => `complaint-${importedCaseId('complaint', ref)}`;

/** The sample rules, failing on one category as a defect in the engine would: a TypeError, not a refusal. */
const faultyOn = async (category: string) => {
  const rules = await sampleRuleset();
  return {
    ...rules,
    hasCategory: (caseType: string, id: string) =>
      id === category ? (undefined as unknown as { ids: string[] }).ids.includes(id) : rules.hasCategory(caseType, id),
  };
};

t.test('a row the engine fails to decide refuses its record only: the others are imported, the fault is logged with its stack', async (t) => {
  const ruleset = await faultyOn('faulty');
  const { logger, lines } = capturedLogger('info');
  const h = await buildHarness({ ruleset, logger });
  t.teardown(h.close);
  const file = [
    row('SRC-1', 'receive', '2026-02-10T01:00:00Z', 'li.na', 'frontdesk', complaint()),
    row('SRC-F', 'receive', '2026-02-11T01:00:00Z', 'li.na', 'frontdesk', complaint('faulty')),
    row('SRC-F', 'acknowledge', '2026-02-11T01:10:00Z', 'li.na', 'frontdesk'),
    row('SRC-2', 'receive', '2026-02-12T01:00:00Z', 'li.na', 'frontdesk', complaint()),
  ].join('\n');
  const answer = await h.inject('POST', '/v1/admin/import', { as: 'admin', raw: file, headers: ndjson });
  t.equal(answer.statusCode, 200, answer.body.slice(0, 300));
  const report = answer.json();
  t.match(report, { rows: 4, cases: { imported: 2, rejected: 1 }, eventsWritten: 2 });
  t.match(report.rejected, [
    { row: 2, caseRef: 'SRC-F', code: 'INTERNAL', message: /the engine failed deciding this row \(TypeError: .*\): nothing of its record was written/ },
  ]);
  t.same(
    report.heldBack.map((r: { row: number }) => r.row),
    [3],
  );
  t.notMatch(report.rejected[0].message, /\n\s+at /, 'the stack stays in the log, not in the answer');
  t.equal((await h.store.readStream(streamOf('SRC-2'))).length, 1, 'the records after the fault are imported');
  await t.rejects(h.store.readStream(streamOf('SRC-F')), { code: 'STREAM_NOT_FOUND' }, 'nothing of the failed record is written');
  const logged = lines.map((line) => JSON.parse(line)).filter((line) => line.level === 50 && line.component === 'heavy-work');
  t.equal(logged.length, 1, 'one error line for the one fault');
  t.match(logged[0].msg, /^import: the engine failed deciding row 2 \(record SRC-F\); the record was refused and the import went on: TypeError: .*\n\s+at /);
});

/** The store with another writer's escalation (back-dated to `at`) slipped in before the import's append to `target`, the first `times` times. */
const escalatedMeanwhile = (
  h: { inject: Awaited<ReturnType<typeof buildHarness>>['inject'] },
  inner: EventStore,
  target: string,
  times: number,
  at: string,
) => {
  let slipped = 0;
  let attempts = 0;
  /** The escalation's own append passes here too: it is not the import's. */
  let escalating = false;
  const store: EventStore = {
    ...inner,
    appendToStream: async (stream, events, options) => {
      if (stream === target && !escalating) {
        attempts += 1;
        if (slipped < times) {
          slipped += 1;
          escalating = true;
          const id = target.slice('complaint-'.length);
          // Back-dated a little (within the desk's allowance), before the rows the import is adding: no contradiction, only a conflict.
          const escalated = await h.inject('POST', `/v1/complaints/${id}/escalate`, {
            as: 'frontdesk',
            body: { reason: `业主第${slipped}次催促`, occurredAt: at },
          });
          escalating = false;
          if (escalated.statusCode !== 200) throw new Error(`the escalation failed: ${escalated.body}`);
        }
      }
      return inner.appendToStream(stream, events, options);
    },
  };
  return { store, attempts: () => attempts };
};

t.test('an import step that meets another writer on its record decides its rows again after what that writer appended', async (t) => {
  const inner = createMemoryEventStore();
  const target = streamOf('SRC-1');
  // The server's store: its appends through the other writer once one is set.
  let wrapped: ReturnType<typeof escalatedMeanwhile> | undefined;
  const store: EventStore = { ...inner, appendToStream: (...args) => (wrapped?.store ?? inner).appendToStream(...args) };
  const h = await buildHarness({ store });
  t.teardown(h.close);
  const first = [
    row('SRC-1', 'receive', '2026-03-02T00:00:00Z', 'li.na', 'frontdesk', complaint()),
    row('SRC-2', 'receive', '2026-03-02T00:05:00Z', 'li.na', 'frontdesk', complaint()),
  ];
  t.equal((await h.inject('POST', '/v1/admin/import', { as: 'admin', raw: first.join('\n'), headers: ndjson })).statusCode, 200);

  const later = [
    ...first,
    row('SRC-1', 'acknowledge', '2026-03-02T00:50:00Z', 'li.na', 'frontdesk'),
    row('SRC-2', 'acknowledge', '2026-03-02T00:55:00Z', 'li.na', 'frontdesk'),
  ].join('\n');
  wrapped = escalatedMeanwhile(h, inner, target, 1, '2026-03-02T00:40:00Z');
  const answer = await h.inject('POST', '/v1/admin/import', { as: 'admin', raw: later, headers: ndjson });
  t.equal(answer.statusCode, 200, answer.body.slice(0, 300));
  t.match(answer.json(), { cases: { extended: 2, rejected: 0 }, eventsWritten: 2, rejected: [] });
  t.equal(wrapped.attempts(), 2, 'appended a second time, after the escalation');
  const events = await h.store.readStream(target);
  t.same(
    events.map((e) => e.type),
    ['ComplaintReceived', 'ComplaintEscalated', 'ComplaintHandlingStarted'],
    "the imported step after the other writer's event, nothing lost or written twice",
  );
  const verified = await h.inject('GET', '/v1/audit/verify?propertyId=demo', { as: 'auditor' });
  t.match(verified.json(), { intact: true });

  // A record that keeps changing is refused after IMPORT_APPEND_ATTEMPTS tries; the others go in.
  const third = [
    ...first,
    row('SRC-1', 'assign', '2026-03-02T00:58:00Z', 'wang.qiang', 'dispatcher', { department: 'engineering' }),
    row('SRC-2', 'assign', '2026-03-02T00:58:00Z', 'wang.qiang', 'dispatcher', { department: 'engineering' }),
  ].join('\n');
  wrapped = escalatedMeanwhile(h, inner, target, Number.POSITIVE_INFINITY, '2026-03-02T00:56:00Z');
  const refused = await h.inject('POST', '/v1/admin/import', { as: 'admin', raw: third, headers: ndjson });
  t.equal(refused.statusCode, 200, refused.body.slice(0, 300));
  t.match(refused.json(), {
    cases: { extended: 1, unchanged: 0, rejected: 1 },
    rejected: [{ caseRef: 'SRC-1', code: 'REVISION_CONFLICT', message: /changed while it was imported, 3 times.*run the import again/ }],
  });
  t.equal(wrapped.attempts(), IMPORT_APPEND_ATTEMPTS);
  t.notOk(
    (await h.store.readStream(target)).some((e) => e.type === 'ComplaintAssigned'),
    'nothing of the refused rows was written',
  );
});

t.test('in a summary file, the row the engine failed on is reported on the column of the step it failed at', async (t) => {
  const ruleset = await faultyOn('noise');
  const h = await buildHarness({ ruleset });
  t.teardown(h.close);
  const csv = [
    'type,number,propertyId,unit,category,description,receivedAt,acknowledgedAt,complexity',
    '投诉,TS-1,demo,1-1-101,噪音扰民,楼上装修,2023-05-04T09:00:00+08:00,2023-05-04T09:30:00+08:00,',
    '报修,BX-1,demo,1-1-101,给排水,水管漏水,2023-05-04T10:00:00+08:00,,一般',
  ].join('\r\n');
  const answer = await h.inject('POST', '/v1/admin/import?format=summary', { as: 'admin', raw: csv, headers: { 'content-type': 'text/csv' } });
  t.equal(answer.statusCode, 200, answer.body.slice(0, 300));
  t.match(answer.json(), {
    cases: { imported: 1, rejected: 1 },
    rejected: [{ row: 1, caseRef: 'TS-1', field: 'receivedAt', value: '2023-05-04T09:00:00+08:00', code: 'INTERNAL' }],
  });
});

/** The store failing every append after the first `good` ones, as a store that became unavailable would. */
const failingAfter = (inner: EventStore, good: number, failure: () => Error) => {
  let appended = 0;
  const store: EventStore = {
    ...inner,
    appendToStream: (stream, events, options) => {
      if (!stream.startsWith('complaint-')) return inner.appendToStream(stream, events, options);
      appended += 1;
      return appended > good ? Promise.reject(failure()) : inner.appendToStream(stream, events, options);
    },
  };
  return store;
};

t.test('a store failing mid-import stops it: the answer says what was written before and where it stopped, and a re-run goes on from there', async (t) => {
  const inner = createMemoryEventStore();
  let failure: (() => Error) | undefined = () => new StoreUnavailableError('the event store is not answering');
  const failing = failingAfter(inner, 2, () => failure!());
  const store: EventStore = { ...inner, appendToStream: (...args) => (failure ? failing : inner).appendToStream(...args) };
  const { logger, lines } = capturedLogger('info');
  const h = await buildHarness({ store, logger });
  t.teardown(h.close);
  const file = ['SRC-1', 'SRC-2', 'SRC-3', 'SRC-4']
    .map((ref, i) => row(ref, 'receive', `2026-02-1${i}T01:00:00Z`, 'li.na', 'frontdesk', complaint()))
    .join('\n');
  const post = () => h.inject('POST', '/v1/admin/import', { as: 'admin', raw: file, headers: ndjson });

  const stopped = await post();
  t.equal(stopped.statusCode, 503);
  t.ok(stopped.headers['retry-after'], 'the client is told when to try again');
  t.match(stopped.json(), {
    code: 'STORE_UNAVAILABLE',
    written: { records: 2, events: 2 },
    stoppedAt: { caseRef: 'SRC-3', row: 3 },
    detail: /the import stopped at record SRC-3 \(row 3\): the event store is not answering\. 2 record\(s\) \(2 event\(s\)\) were written before it/,
  });
  t.equal((await inner.readAll()).filter((e) => e.streamName.startsWith('complaint-')).length, 2, 'the two records it says it wrote, and no more');

  failure = undefined;
  const rerun = await post();
  t.equal(rerun.statusCode, 200);
  t.match(rerun.json(), { cases: { imported: 2, unchanged: 2 }, eventsWritten: 2 }, 'the re-run writes the rest, nothing twice');

  // A failure the engine does not know is told as IMPORT_STOPPED (500), and its stack logged.
  const other = createMemoryEventStore();
  const broken = await buildHarness({ store: failingAfter(other, 1, () => new Error('disk unplugged')), logger });
  t.teardown(broken.close);
  const answer = await broken.inject('POST', '/v1/admin/import', { as: 'admin', raw: file, headers: ndjson });
  t.equal(answer.statusCode, 500);
  t.match(answer.json(), { code: 'IMPORT_STOPPED', written: { records: 1, events: 1 }, stoppedAt: { caseRef: 'SRC-2' }, detail: /disk unplugged/ });
  const logged = lines.map((line) => JSON.parse(line)).filter((line) => line.level === 50 && /^IMPORT_STOPPED/.test(line.msg));
  t.equal(logged.length, 1);
  t.match(logged[0].err.stack, /caused by Error: disk unplugged\n\s+at /, 'the cause with its stack');
});

t.test('a file read in parts that stops counts what every part wrote before it, and what the part beside it wrote', async (t) => {
  const { dir, remove } = await tempDir('import-stopped-');
  t.teardown(remove);
  const file = join(dir, 'export.csv');
  const lines = ['type,number,propertyId,unit,category,description,receivedAt'];
  for (let i = 0; i < 100; i++) lines.push(`投诉,TS-${i},demo,1-1-101,噪音扰民,第${i}次投诉,2023-05-04T09:${String(i % 60).padStart(2, '0')}:00+08:00`);
  await writeFile(file, `${lines.join('\r\n')}\r\n`);
  const inner = createMemoryEventStore();
  const rulesets = await openRulesetRegistry(inner, await sampleRuleset());
  const clock = { now: () => Temporal.Instant.from('2026-12-01T00:00:00Z') };
  const options = { importedBy: { id: 'admin-1', role: 'admin' as const }, window: 8 };
  const read = () => readInParts(file, { columns: csvColumnsOf('summary'), rows: 25 });

  const store = failingAfter(inner, 60, () => new StoreUnavailableError('the event store is not answering'));
  const error = await importSummaryInParts({ store, rulesets, clock }, (await read())!, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(isImportStopped(error), 'the import stops');
  const stopped = error as ImportStoppedError;
  const held = (await inner.readAll()).filter((e) => e.streamName.startsWith('complaint-'));
  t.equal(held.length, 60, 'sixty records written, each whole');
  t.same(stopped.written, { records: 60, events: 60 }, 'the error counts them all, across parts');
  t.equal(stopped.code, 'STORE_UNAVAILABLE');
  t.notOk(
    held.some((e) => e.streamName === `complaint-${importedCaseId('complaint', stopped.stoppedAt!.caseRef)}`),
    `it stopped at a record not written (${stopped.stoppedAt?.caseRef})`,
  );

  const rerun = await importSummaryInParts({ store: inner, rulesets, clock }, (await read())!, options);
  t.match(rerun.cases, { imported: 40, unchanged: 60, rejected: 0 }, 'a re-run writes the rest');
});
