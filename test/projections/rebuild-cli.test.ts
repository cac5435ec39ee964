import { closeSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { rebuildCommand } from '../../src/cli/rebuild.js';
import { openReadModelDb, READ_MODEL_FORMAT, readModelFile } from '../../src/projections/index.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { buildWorld, complaintBody, repairBody, RULES_DIR } from './harness.js';

const captured = () => {
  const lines: string[] = [];
  return { lines, out: { log: (l: string) => lines.push(l), error: (l: string) => lines.push(l) } };
};

t.test('npm run rebuild: every projection from the SQLite log in DATA_DIR; exit codes', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rebuild-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const store = openSqliteEventStore({ file: join(dir, 'events.db') });
  const world = await buildWorld({ store });
  await world.act('complaint', 'c1', 'receive', complaintBody);
  await world.act('repair', 'r1', 'report', repairBody);
  await store.close();
  const env = { DATA_DIR: dir, RULES_DIR };

  const ok = captured();
  t.equal(await rebuildCommand([], env, ok.out), 0);
  t.match(ok.lines.at(-1), /^rebuilt cases, case_search: 2 events in [\d.]+ s, \d+ events\/s$/);
  const db = openReadModelDb(readModelFile(dir));
  t.same(db.prepare('SELECT case_id FROM cases ORDER BY case_id').pluck().all(), ['c1', 'r1']);
  db.prepare("UPDATE cases SET state = 'tampered'").run();
  // A connection left open to the read models holds them: the rebuild would be refused (app/writer-lock.ts).
  db.close();
  t.equal(await rebuildCommand(['cases'], env, captured().out), 0);
  const rebuilt = openReadModelDb(readModelFile(dir));
  t.same(rebuilt.prepare('SELECT DISTINCT state FROM cases ORDER BY state').pluck().all(), ['received', 'reported'], 'rebuilt from the log');
  rebuilt.close();

  const bad = captured();
  t.equal(await rebuildCommand(['dashboard-of-dreams'], env, bad.out), 2);
  t.match(bad.lines[0], /no projection named dashboard-of-dreams/);
  t.equal(await rebuildCommand(['--bogus'], env, captured().out), 2);
  t.equal(await rebuildCommand([], { ...env, PORT: 'not a port' }, captured().out), 2);
  const failed = captured();
  t.equal(await rebuildCommand([], { ...env, RULES_DIR: join(dir, 'missing') }, failed.out), 1);
  t.match(failed.lines.at(-1), /^rebuild failed: /);
});

t.test('npm run rebuild sets aside a read model that is not a database, or of another format, and rebuilds every projection', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rebuild-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const store = openSqliteEventStore({ file: join(dir, 'events.db') });
  const world = await buildWorld({ store });
  await world.act('complaint', 'c1', 'receive', complaintBody);
  await world.act('repair', 'r1', 'report', repairBody);
  await store.close();
  const env = { DATA_DIR: dir, RULES_DIR };
  t.equal(await rebuildCommand([], env, captured().out), 0, 'a read model to damage');

  // Its first 4 KB overwritten, as the server left it (stopped: no WAL beside it).
  const file = readModelFile(dir);
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 0);
  closeSync(fd);
  const damaged = readFileSync(file);
  const corrupt = captured();
  t.equal(await rebuildCommand(['cases'], env, corrupt.out), 0, 'rebuilt, not crashed');
  const aside = readdirSync(dir).filter((name) => name.startsWith('read-models.db.corrupt-'));
  t.equal(aside.length, 1, 'the damaged file set aside');
  t.same(readFileSync(join(dir, aside[0]!)), damaged, 'kept as it was');
  t.match(
    corrupt.lines[0],
    `${file} is not a SQLite database (SQLITE_NOTADB: no SQLite header): set aside as ${join(dir, aside[0]!)}; every read model is rebuilt`,
  );
  t.match(corrupt.lines.at(-1), /^rebuilt cases, case_search: 2 events/, 'every projection, not only the one asked for');
  const db = openReadModelDb(file);
  t.same(db.prepare('SELECT case_id FROM cases ORDER BY case_id').pluck().all(), ['c1', 'r1'], 'the read model answers again');
  t.equal(db.prepare('SELECT count(*) FROM case_search').pluck().get(), 2);
  db.pragma(`user_version = ${READ_MODEL_FORMAT + 1}`);
  db.close();

  const other = captured();
  t.equal(await rebuildCommand([], env, other.out), 0);
  t.match(
    other.lines[0],
    `${file} is of format ${READ_MODEL_FORMAT + 1}, not this engine's ${READ_MODEL_FORMAT}: set aside as ${file}.format-${READ_MODEL_FORMAT + 1}-`,
  );
  t.equal(readdirSync(dir).filter((name) => name.startsWith('read-models.db.format-')).length, 1);

  const events = join(dir, 'events.db');
  const log = openSync(events, 'r+');
  writeSync(log, Buffer.alloc(4096, 0x5a), 0, 4096, 0);
  closeSync(log);
  const refused = captured();
  t.equal(await rebuildCommand([], env, refused.out), 1, 'an event log that is not a database is refused');
  t.same(refused.lines, [
    `rebuild failed: ${events} is not a SQLite database (SQLITE_NOTADB): the event log is the record itself and is never set aside or rebuilt: keep the file as it is for inspection, restore events.db from the last backup, then start again (docs/operations.md)`,
  ]);
  t.notOk(
    readdirSync(dir).some((name) => name.startsWith('events.db.')),
    'and never set aside',
  );
});
