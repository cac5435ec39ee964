import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { isStoreUnavailable } from '../../src/store/errors.js';
import { NO_STREAM } from '../../src/store/port.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { anEvent } from './conformance/fixtures.js';

const tempDir = async (t: Test) => {
  const dir = await mkdtemp(join(tmpdir(), 'log-end-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return { dir, file: join(dir, 'events.db'), anchor: join(dir, 'log-end.json') };
};

const appendTo = (store: ReturnType<typeof openSqliteEventStore>, streams: string[]) =>
  Promise.all(
    streams.map((stream) =>
      store.appendToStream(stream, [anEvent('ComplaintReceived', {}, { recordedAt: '2026-03-02T01:00:00Z' })], { expectedRevision: NO_STREAM }),
    ),
  );

/**
 * A log whose WAL was lost: `kept` streams are checkpointed into events.db; `lost` are committed
 * (and anchored) but only in the WAL, which is then deleted, as an operator cleaning up after a crash would.
 */
const logWithLostWal = async (t: Test, kept: string[], lost: string[]) => {
  const paths = await tempDir(t);
  const first = openSqliteEventStore({ file: paths.file });
  await appendTo(first, kept);
  await first.close(); // the last connection checkpoints the WAL into the file
  const second = openSqliteEventStore({ file: paths.file });
  await appendTo(second, lost);
  copyFileSync(paths.file, join(paths.dir, 'without-wal.db')); // the file as it is, its WAL apart
  await second.close();
  copyFileSync(join(paths.dir, 'without-wal.db'), paths.file);
  for (const suffix of ['-wal', '-shm']) rmSync(`${paths.file}${suffix}`, { force: true });
  return paths;
};

t.test('each commit anchors the log: last position, events, the last event and its hash', async (t) => {
  const { file, anchor } = await tempDir(t);
  const store = openSqliteEventStore({ file });
  await appendTo(store, ['complaint-1', 'complaint-2']);
  await store.appendToStream('complaint-1', [anEvent(), anEvent()], { expectedRevision: 0n });
  await store.close();
  const end = JSON.parse(readFileSync(anchor, 'utf8'));
  const reopened = openSqliteEventStore({ file });
  t.teardown(() => reopened.close());
  const last = (await reopened.readAll()).at(-1)!;
  t.match(end, { format: 'event-log-end/1', position: '4', events: 4, eventId: last.id, hash: /^sha256:[0-9a-f]{64}$/, recordedAt: null });
  t.match(reopened.logEnd.check(), { status: 'intact', logEnd: 4n });
});

t.test('a lost WAL: the log is shorter than its anchor, the positions are named, appends are refused until the loss is accepted', async (t) => {
  const { file, anchor } = await logWithLostWal(t, ['complaint-1', 'complaint-2'], ['complaint-3', 'complaint-4', 'complaint-5']);
  const store = openSqliteEventStore({ file });
  t.teardown(() => store.close());
  t.equal((await store.readAll()).length, 2, 'the log reads as whole');
  const found = store.logEnd.check();
  t.match(found, { status: 'lost', reason: 'shorter', logEnd: 2n, lost: { from: '3', to: '5' }, eventsLost: 3 });
  t.match(store.logEnd.refusal, /ends at position 2, but .*log-end\.json recorded it ending at 5 .*positions 3-5 \(3 events\) are lost.*ACCEPT_LOG_LOSS=5/);
  await t.rejects(appendTo(store, ['complaint-6']), { message: /positions 3-5/ });
  t.ok(await appendTo(store, ['complaint-6']).catch(isStoreUnavailable), 'as STORE_UNAVAILABLE');
  t.match(JSON.parse(readFileSync(anchor, 'utf8')), { position: '5' }, 'the anchor keeps the evidence');

  t.throws(() => store.logEnd.acceptLoss(4n), { message: /ends at position 5, not 4/ }, 'only the exact loss is accepted');
  store.logEnd.acceptLoss(5n);
  const [next] = await appendTo(store, ['complaint-6']);
  t.equal(next!.position.commit, 6n, 'a lost position is never handed out again');
  await store.logEnd.reset();
  t.match(store.logEnd.check(), { status: 'intact', logEnd: 6n });
});

t.test('the file replaced by an older copy that has grown since: the event at the anchor differs', async (t) => {
  const { file, anchor } = await logWithLostWal(t, ['complaint-1'], ['complaint-2', 'complaint-3']);
  const saved = readFileSync(anchor, 'utf8');
  // Another writer, unaware (an engine without anchors), fills the positions again with other events.
  const store = openSqliteEventStore({ file, logEndFile: join(file, '..', 'elsewhere.json') });
  await appendTo(store, ['repair-1', 'repair-2', 'repair-3']);
  await store.close();
  const reopened = openSqliteEventStore({ file });
  t.teardown(() => reopened.close());
  t.match(JSON.parse(saved), { position: '3' });
  t.match(reopened.logEnd.check(), { status: 'lost', reason: 'replaced', logEnd: 4n, lost: { from: '3', to: '3' } });
});

t.test('a crash between the commit and the anchor leaves the anchor behind the log: normal, and it catches up', async (t) => {
  const { file, anchor } = await tempDir(t);
  const store = openSqliteEventStore({ file });
  await appendTo(store, ['complaint-1']);
  await store.close();
  const behind = readFileSync(anchor, 'utf8');
  const again = openSqliteEventStore({ file });
  await appendTo(again, ['complaint-2', 'complaint-3']);
  await again.close();
  // As if the process died before the anchor of the last commits was written.
  writeFileSync(anchor, behind);
  const reopened = openSqliteEventStore({ file });
  t.teardown(() => reopened.close());
  t.match(reopened.logEnd.check(), { status: 'intact', logEnd: 3n, anchor: { position: '1' } });
  t.equal(reopened.logEnd.refusal, undefined);
  await appendTo(reopened, ['complaint-4']);
  await reopened.close();
  t.match(JSON.parse(readFileSync(anchor, 'utf8')), { position: '4', events: 4 }, 'the next commit advances it');
});

t.test("a writer killed mid-write leaves a temporary file: the next opening removes it, and never a running writer's", async (t) => {
  const { dir, file, anchor } = await tempDir(t);
  const gone = `${anchor}.999999999.tmp`;
  const running = `${anchor}.${process.pid}.tmp`;
  writeFileSync(gone, '{');
  writeFileSync(running, '{');
  const store = openSqliteEventStore({ file });
  await store.close();
  t.same(
    readdirSync(dir).filter((name) => name.endsWith('.tmp')),
    [`log-end.json.${process.pid}.tmp`],
  );
});

t.test('a log without an anchor (a data directory from before anchors) is anchored at its next commit', async (t) => {
  const { file, anchor } = await tempDir(t);
  const store = openSqliteEventStore({ file });
  await appendTo(store, ['complaint-1', 'complaint-2']);
  await store.close();
  rmSync(anchor);
  const reopened = openSqliteEventStore({ file });
  t.match(reopened.logEnd.check(), { status: 'unanchored', logEnd: 2n });
  await appendTo(reopened, ['complaint-3']);
  await reopened.close();
  t.match(JSON.parse(readFileSync(anchor, 'utf8')), { position: '3', events: 3 });
});

t.test('an anchor that is not one is refused by name', async (t) => {
  const { file, anchor } = await tempDir(t);
  writeFileSync(anchor, 'not json');
  t.throws(() => openSqliteEventStore({ file }), { message: /log-end\.json is not a log-end anchor/ });
});

t.test('two logs in one directory keep anchors of their own', async (t) => {
  const { dir } = await tempDir(t);
  const longer = openSqliteEventStore({ file: join(dir, 'a.db') });
  await appendTo(longer, ['complaint-a1', 'complaint-a2']);
  await longer.close();
  // A new log beside it starts, and appends, as any new log does: the other's anchor is not its own.
  const fresh = openSqliteEventStore({ file: join(dir, 'b.db') });
  await appendTo(fresh, ['complaint-b1']);
  await fresh.close();
  t.same(
    readdirSync(dir)
      .filter((name) => name.endsWith('log-end.json'))
      .sort(),
    ['a.db.log-end.json', 'b.db.log-end.json'],
  );
  t.equal(JSON.parse(readFileSync(join(dir, 'a.db.log-end.json'), 'utf8')).events, 2);
  t.equal(JSON.parse(readFileSync(join(dir, 'b.db.log-end.json'), 'utf8')).events, 1);
});
