import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { rebuildCommand } from '../../src/cli/rebuild.js';
import { openReadModelDb, readModelFile } from '../../src/projections/index.js';
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
  t.equal(await rebuildCommand(['cases'], env, captured().out), 0);
  t.same(db.prepare('SELECT DISTINCT state FROM cases ORDER BY state').pluck().all(), ['received', 'reported'], 'rebuilt from the log');
  db.close();

  const bad = captured();
  t.equal(await rebuildCommand(['dashboard-of-dreams'], env, bad.out), 2);
  t.match(bad.lines[0], /no projection named dashboard-of-dreams/);
  t.equal(await rebuildCommand(['--bogus'], env, captured().out), 2);
  t.equal(await rebuildCommand([], { ...env, PORT: 'not a port' }, captured().out), 2);
  const failed = captured();
  t.equal(await rebuildCommand([], { ...env, RULES_DIR: join(dir, 'missing') }, failed.out), 1);
  t.match(failed.lines.at(-1), /^rebuild failed: /);
});
