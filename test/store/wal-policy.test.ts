/**
 * The WAL policy (src/store/wal-policy.ts): the pragmas every connection gets, why a WAL grows
 * (a reader's snapshot pins it), and that the policy empties it once it passes its mark — with
 * marks made small, so that no test has to write tens of megabytes.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { tempDir } from '../api/harness.js';
import { Temporal } from 'temporal-polyfill';
import { parseImport } from '../../src/audit/import/format.js';
import { importCases } from '../../src/audit/import/import.js';
import { openReadModelDb } from '../../src/projections/read-model-db.js';
import { manualClock } from '../../src/runtime/clock.js';
import { openRulesetRegistry } from '../../src/ruleset/registry.js';
import { loadRuleset } from '../../src/ruleset/load.js';
import { storeCheckpoint } from '../../src/store/checkpoint-timer.js';
import { NO_STREAM } from '../../src/store/port.js';
import { BACKSTOP_WAL_AUTOCHECKPOINT_PAGES, openEventDatabase } from '../../src/store/sqlite-schema.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { checkpointWal, keepWalBounded, WAL_BOUND_BYTES, WAL_SIZE_LIMIT_BYTES, WAL_TRUNCATE_PAGES, type CheckpointResult } from '../../src/store/wal-policy.js';
import { events } from './conformance/fixtures.js';

const walSize = (file: string) => {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
};

t.test('every connection limits the WAL it leaves behind; the server writer checkpoints on its own only past its backstop', async (t) => {
  const dir = t.testdir();
  const events = openEventDatabase(join(dir, 'events.db'));
  t.equal(Number(events.pragma('journal_size_limit', { simple: true })), WAL_SIZE_LIMIT_BYTES);
  events.close();
  const server = openEventDatabase(join(dir, 'events.db'), BACKSTOP_WAL_AUTOCHECKPOINT_PAGES);
  t.equal(Number(server.pragma('wal_autocheckpoint', { simple: true })), BACKSTOP_WAL_AUTOCHECKPOINT_PAGES);
  t.ok(BACKSTOP_WAL_AUTOCHECKPOINT_PAGES * 4096 < WAL_BOUND_BYTES, 'the backstop alone holds the WAL within its bound');
  server.close();
  const readModels = openReadModelDb(join(dir, 'read-models.db'));
  t.equal(Number(readModels.pragma('journal_size_limit', { simple: true })), WAL_SIZE_LIMIT_BYTES);
  readModels.close();
});

t.test('the policy waits for the WAL to be emptied only past its mark', async (t) => {
  const calls: string[] = [];
  const fake =
    (pages: number) =>
    (mode: 'passive' | 'truncate'): CheckpointResult => {
      calls.push(mode);
      return { walPages: mode === 'truncate' ? 0 : pages, checkpointed: pages, busy: false };
    };
  keepWalBounded(fake(WAL_TRUNCATE_PAGES));
  t.same(calls, ['passive'], 'at the mark: PASSIVE only');
  calls.length = 0;
  t.equal(keepWalBounded(fake(WAL_TRUNCATE_PAGES + 1)).walPages, 0);
  t.same(calls, ['passive', 'truncate'], 'past it: emptied');
});

t.test("a reader's snapshot pins the WAL: PASSIVE cannot copy past it, TRUNCATE waits for it, then empties the file", async (t) => {
  const { dir, remove } = await tempDir('wal-pin-');
  const file = join(dir, 'events.db');
  const writer = openSqliteEventStore({ file, walAutocheckpointPages: BACKSTOP_WAL_AUTOCHECKPOINT_PAGES });
  const checkpointer = openSqliteEventStore({ file });
  t.teardown(async () => {
    await writer.close();
    await checkpointer.close();
    await remove();
  });
  await writer.appendToStream('complaint-0', events(1), { expectedRevision: NO_STREAM });

  // A long report: a read transaction left open on a connection of its own.
  const reader = new Database(file);
  reader.exec('BEGIN');
  reader.prepare('SELECT count(*) FROM events').get();
  for (let i = 1; i <= 40; i++) await writer.appendToStream(`complaint-${i}`, events(3), { expectedRevision: NO_STREAM });
  const pinned = checkpointWal(new Database(file), 'passive');
  t.ok(pinned.checkpointed < pinned.walPages, `PASSIVE copied ${pinned.checkpointed} of ${pinned.walPages} pages: not past the reader`);
  const grown = walSize(file);
  t.ok(grown > 0);
  t.match(storeCheckpoint(checkpointer)!('truncate'), { busy: true }, 'TRUNCATE gives up after its short wait while the reader reads');

  reader.exec('COMMIT');
  reader.close();
  t.match(storeCheckpoint(checkpointer)!('truncate'), { busy: false, walPages: 0 });
  t.equal(walSize(file), 0, 'the WAL file is emptied');
  await writer.appendToStream('complaint-0', events(1), { expectedRevision: 0n });
  t.equal((await checkpointer.readStream('complaint-0')).length, 2, 'the writer goes on, and its append is read');
});

const rules = await loadRuleset(new URL('../../rules', import.meta.url).pathname);
const steps = [
  [
    'receive',
    'frontdesk',
    { propertyId: 'demo', unit: '1-1-101', category: 'noise', description: '噪音', channel: 'phone', owner: { name: '业主', phone: '13800000000' } },
  ],
  ['acknowledge', 'frontdesk', {}],
  ['assign', 'dispatcher', { department: 'engineering' }],
  ['resolve', 'frontdesk', { resolution: '已处理' }],
] as const;
const importRows = (cases: number) =>
  Array.from({ length: cases }, (_, c) =>
    steps.map(([action, role, fields], s) => ({
      caseRef: `W-${c}`,
      caseType: 'complaint',
      action,
      occurredAt: new Date(Date.parse('2025-06-01T01:00:00Z') + c * 600_000 + s * 60_000).toISOString(),
      actor: 'li.na',
      role,
      fields,
    })),
  ).flat();

/** The projection thread's timer made deterministic, with a mark of 64 pages instead of 4,096. */
const MARK = 64;

/**
 * An import with the server's settings, with the projection thread as it acts: after each commit it
 * reads the log (a new snapshot, begun before the previous read ends) and checkpoints. PASSIVE only,
 * as before the policy, or the policy — whose TRUNCATE waits for the reader, which finishes meanwhile.
 */
const importWith = async (dir: string, policy: boolean) => {
  const file = join(dir, 'events.db');
  const store = openSqliteEventStore({ file, walAutocheckpointPages: BACKSTOP_WAL_AUTOCHECKPOINT_PAGES });
  const thread = openSqliteEventStore({ file });
  const readers = [new Database(file), new Database(file)];
  let current = 0;
  const beginRead = () => {
    const next = readers[1 - current]!;
    next.exec('BEGIN');
    next.prepare('SELECT max(position) FROM events').get();
    if (readers[current]!.inTransaction) readers[current]!.exec('COMMIT');
    current = 1 - current;
  };
  const endRead = () => {
    for (const db of readers) if (db.inTransaction) db.exec('COMMIT');
  };
  const checkpoint = storeCheckpoint(thread)!;
  const waitingForReaders = (mode: 'passive' | 'truncate') => {
    if (mode === 'truncate') endRead();
    return checkpoint(mode);
  };
  let largest = 0;
  let emptied = 0;
  try {
    const rulesets = await openRulesetRegistry(store, rules);
    const report = await importCases({ store, rulesets, clock: manualClock(Temporal.Instant.from('2026-03-02T01:00:00Z')) }, parseImport(importRows(150)), {
      onCase: () => {
        beginRead();
        largest = Math.max(largest, walSize(file));
        const result = policy ? keepWalBounded(waitingForReaders, MARK) : checkpoint('passive');
        if (result.walPages === 0) emptied += 1;
      },
    });
    return { largest, emptied, eventsWritten: report.eventsWritten };
  } finally {
    endRead();
    for (const db of readers) db.close();
    await store.close();
    await thread.close();
  }
};

t.test(
  'an import while the log is read after every commit: PASSIVE checkpoints never let the WAL start again; the policy empties it at its mark',
  async (t) => {
    const before = await importWith(t.testdir(), false);
    const after = await importWith(t.testdir(), true);
    t.equal(before.eventsWritten, 600);
    t.equal(after.eventsWritten, 600);
    t.ok(before.largest > 4 * MARK * 4096, `PASSIVE only: the WAL grew to ${before.largest} bytes`);
    t.equal(before.emptied, 0);
    t.ok(after.emptied > 0, `the policy emptied it ${after.emptied} times`);
    t.ok(after.largest < 2 * MARK * 4096, `its largest, ${after.largest} bytes, stays near the mark`);
    t.ok(after.largest < WAL_BOUND_BYTES);
  },
);
