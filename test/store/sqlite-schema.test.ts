import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { NO_STREAM } from '../../src/store/port.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { openEventDatabase, prepareEventStatements, SCHEMA_VERSION } from '../../src/store/sqlite-schema.js';
import { anEvent } from './conformance/fixtures.js';

/** The store's first schema, as files written before version 2 hold it (user_version 0). */
const SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  id       TEXT    NOT NULL UNIQUE,
  stream   TEXT    NOT NULL,
  revision INTEGER NOT NULL,
  type     TEXT    NOT NULL,
  data     TEXT    NOT NULL,
  metadata TEXT    NOT NULL,
  UNIQUE (stream, revision)
) STRICT;
`;

const tempFile = async (t: Test) => {
  const dir = await mkdtemp(join(tmpdir(), 'event-schema-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'events.db');
};

/** A version 1 file: three streams written in turns, then `removed` last events deleted by hand. */
const writeV1 = (file: string, { removed = 0 } = {}) => {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(SCHEMA_V1);
  const insert = db.prepare('INSERT INTO events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  const rows: Array<{ position: number; id: string; stream: string; revision: number; data: string }> = [];
  const streams = ['complaint-b', 'repair-a', 'complaint-c'];
  for (let revision = 0; revision < 3; revision++) {
    for (const stream of streams) {
      const id = `${stream}-${revision}`;
      const data = JSON.stringify({ stream, revision, text: '业主来电' });
      const { lastInsertRowid } = insert.run(id, stream, revision, 'Something', data, JSON.stringify({ n: revision }));
      rows.push({ position: Number(lastInsertRowid), id, stream, revision, data });
    }
  }
  db.prepare('DELETE FROM events WHERE position > ?').run(rows.length - removed);
  db.close();
  return rows.slice(0, rows.length - removed);
};

t.test('a version 1 file is migrated when opened: every event kept at its position, in its stream', async (t) => {
  const file = await tempFile(t);
  const before = writeV1(file, { removed: 2 });
  const store = openSqliteEventStore({ file });
  t.teardown(() => store.close());

  const all = await store.readAll();
  t.same(
    all.map((e) => ({ position: Number(e.position.commit), id: e.id, stream: e.streamName, revision: Number(e.revision), data: JSON.stringify(e.data) })),
    before,
    'the log reads as it did, position for position',
  );
  const repair = await store.readStream('repair-a');
  t.same(
    repair.map((e) => e.id),
    ['repair-a-0', 'repair-a-1'],
    'a stream reads in revision order, without what was removed',
  );
  t.same(
    (await store.readStream('complaint-c', { direction: 'backwards', maxCount: 1 })).map((e) => e.id),
    ['complaint-c-1'],
    'its last event, the one after was removed',
  );

  const appended = await store.appendToStream('complaint-c', [anEvent()], { expectedRevision: 1n });
  t.equal(appended.nextRevision, 2n, 'a stream goes on from its last revision');
  t.equal(appended.position.commit, 10n, 'positions go on after the highest ever given out, not after the highest left');
  await t.rejects(store.appendToStream('repair-a', [anEvent()], { expectedRevision: NO_STREAM }), { code: 'REVISION_CONFLICT' }, 'a migrated stream exists');
  await store.close();

  const db = new Database(file, { readonly: true });
  t.teardown(() => db.close());
  t.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  t.same(
    db.prepare('SELECT id, name FROM streams ORDER BY id').all(),
    [
      { id: 1, name: 'complaint-b' },
      { id: 2, name: 'repair-a' },
      { id: 3, name: 'complaint-c' },
    ],
    'streams numbered in the order they began',
  );
  t.equal(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'events_v1'").pluck().get(), 0, 'the old table is gone');
  t.same(db.prepare('SELECT seq FROM sqlite_sequence').pluck().all(), [10], 'one high-water mark, for the new table');
  t.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  t.equal(db.prepare('SELECT stream FROM log WHERE position = 10').pluck().get(), 'complaint-c', 'the log view names the stream');
});

t.test('an empty version 1 file keeps its high-water mark; a new file starts at position 1', async (t) => {
  const emptied = await tempFile(t);
  writeV1(emptied, { removed: 9 });
  const migrated = openSqliteEventStore({ file: emptied });
  t.equal((await migrated.appendToStream('complaint-x', [anEvent()], { expectedRevision: NO_STREAM })).position.commit, 10n);
  await migrated.close();

  const fresh = openSqliteEventStore({ file: await tempFile(t) });
  t.equal((await fresh.appendToStream('complaint-x', [anEvent()], { expectedRevision: NO_STREAM })).position.commit, 1n);
  await fresh.close();
});

t.test("the log's page cache is SQLite's build default unless the connection is opened with another", async (t) => {
  const file = await tempFile(t);
  const cacheOf = (db: Database.Database) => Number(db.pragma('cache_size', { simple: true }));
  const built = openEventDatabase(file);
  t.equal(cacheOf(built), -16_000, "better-sqlite3's build: 16,000 KiB a connection");
  built.close();
  const small = openEventDatabase(file, undefined, 2_048);
  t.equal(cacheOf(small), -2_048, 'a negative cache_size is in KiB');
  small.close();
  for (const pageCacheKib of [0, 1.5, -4]) {
    t.throws(() => openEventDatabase(file, undefined, pageCacheKib), { name: 'RangeError', message: /pageCacheKib must be a whole number >= 1/ });
  }
  const store = openSqliteEventStore({ file, pageCacheKib: 4_096 });
  t.equal(
    (await store.appendToStream('complaint-x', [anEvent()], { expectedRevision: NO_STREAM })).nextRevision,
    0n,
    'a store opened with its own cache writes as any',
  );
  await store.close();
});

t.test('opening a migrated file again changes nothing', async (t) => {
  const file = await tempFile(t);
  writeV1(file);
  openEventDatabase(file).close();
  const snapshot = () => {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare('SELECT * FROM log ORDER BY position').all();
    } finally {
      db.close();
    }
  };
  const once = snapshot();
  openEventDatabase(file).close();
  t.same(snapshot(), once);
  t.equal(once.length, 9);
});

t.test('a file from a newer engine is refused, untouched', async (t) => {
  const file = await tempFile(t);
  const db = new Database(file);
  db.exec('CREATE TABLE events (position INTEGER PRIMARY KEY, something_new TEXT)');
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  t.throws(() => openSqliteEventStore({ file }), {
    message: new RegExp(`events\\.db: the event store's schema is version ${SCHEMA_VERSION + 1}, newer than this engine's ${SCHEMA_VERSION}`),
  });
  const after = new Database(file, { readonly: true });
  t.teardown(() => after.close());
  t.equal(after.pragma('user_version', { simple: true }), SCHEMA_VERSION + 1);
  t.same(after.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all(), ['events']);
});

t.test('an append that fails on a new stream leaves no stream behind', async (t) => {
  const file = await tempFile(t);
  const store = openSqliteEventStore({ file });
  t.teardown(() => store.close());
  const event = anEvent();
  await store.appendToStream('complaint-1', [event], { expectedRevision: NO_STREAM });
  // The same event id in another stream: the insert fails after the stream was given an id.
  const outcomes = await Promise.allSettled([
    store.appendToStream('complaint-2', [event], { expectedRevision: NO_STREAM }),
    store.appendToStream('complaint-3', [anEvent()], { expectedRevision: NO_STREAM }),
  ]);
  t.same(
    outcomes.map((o) => o.status),
    ['rejected', 'fulfilled'],
    'the failure is the failing append\u2019s only',
  );
  await t.rejects(store.readStream('complaint-2'), { code: 'STREAM_NOT_FOUND' });
  t.equal((await store.appendToStream('complaint-2', [anEvent()], { expectedRevision: NO_STREAM })).nextRevision, 0n, 'and the stream can begin later');
  const db = new Database(file, { readonly: true });
  t.teardown(() => db.close());
  t.same(db.prepare('SELECT name FROM streams ORDER BY id').pluck().all(), ['complaint-1', 'complaint-3', 'complaint-2'], 'no stream without events');
});

t.test('every statement of the store finds its rows through an index', async (t) => {
  const file = await tempFile(t);
  const db = openEventDatabase(file);
  t.teardown(() => db.close());
  const plan = (sql: string) =>
    db
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...Array.from(sql.matchAll(/\?/g), () => 1))
      .map((row) => (row as { detail: string }).detail);
  for (const [name, statement] of Object.entries(prepareEventStatements(db))) {
    const steps = plan(statement.source);
    t.notOk(
      steps.some((step) => step.startsWith('SCAN')),
      `${name}: ${steps.join('; ') || 'no read'}`,
    );
  }
});
