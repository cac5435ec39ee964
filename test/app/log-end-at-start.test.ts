import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { checkLogEndAtStart } from '../../src/app/log-end-at-start.js';
import { renderVerify } from '../../src/audit/render.js';
import { verifyLog } from '../../src/audit/verify.js';
import { rebuildCommand } from '../../src/cli/rebuild.js';
import { allProjections, openReadModelDb, readModelFile } from '../../src/projections/index.js';
import { systemClock } from '../../src/runtime/clock.js';
import type { EventStore } from '../../src/store/port.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { buildWorld, complaintBody, repairBody, RULES_DIR, runnerFor, type World } from '../projections/harness.js';
import { freePort } from './server-process.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const ACTOR = { id: 'operator:test', role: 'admin' } as const;

/** One store object for the world across openings of the file (a world's command ids go on counting). */
const swappableStore = () => {
  let current: EventStore | undefined;
  const store = new Proxy({} as EventStore, {
    get: (_, key) => {
      const value = (current as unknown as Record<PropertyKey, unknown>)[key];
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
  return { store, use: (next: EventStore) => (current = next) };
};

const caseIds = (dir: string): string[] => {
  const db = openReadModelDb(readModelFile(dir));
  try {
    return db.prepare<[], string>('SELECT case_id FROM cases ORDER BY case_id').pluck().all();
  } finally {
    db.close();
  }
};

const quiet = () => {
  const lines: string[] = [];
  return { lines, out: { log: (l: string) => lines.push(l), error: (l: string) => lines.push(l) } };
};

/**
 * A data directory whose WAL was lost after a crash: c1 and r1 are in events.db; c2, c3 and the
 * rules' publication were committed, anchored and projected, but only ever in the WAL, which is gone.
 * The read models' checkpoints are past the log's end.
 */
const dataDirWithLostWal = async (t: Test) => {
  const dir = await mkdtemp(join(tmpdir(), 'log-end-start-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'events.db');
  const { store, use } = swappableStore();
  use(openSqliteEventStore({ file }));
  const world = await buildWorld({ store });
  await world.act('complaint', 'c1', 'receive', complaintBody);
  await world.act('repair', 'r1', 'report', repairBody);
  await store.close(); // checkpointed into events.db
  use(openSqliteEventStore({ file }));
  await world.act('complaint', 'c2', 'receive', complaintBody);
  await world.act('complaint', 'c3', 'receive', complaintBody);
  copyFileSync(file, join(dir, 'without-wal.db'));
  await store.close();
  const built = quiet();
  t.equal(await rebuildCommand([], { DATA_DIR: dir, RULES_DIR }, built.out), 0, built.lines.join('\n'));
  t.same(caseIds(dir), ['c1', 'c2', 'c3', 'r1'], 'projected before the loss');
  const anchorAt = JSON.parse(readFileSync(join(dir, 'log-end.json'), 'utf8')).position as string;
  copyFileSync(join(dir, 'without-wal.db'), file);
  for (const suffix of ['-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  // The ruleset, c1 and r1 are left; c2 and c3 are lost.
  return { dir, file, world, use, anchorAt, logEnd: '3', lost: 2 };
};

/** src/main.ts as a real process: resolves with its exit code once it exits, or once /readyz answers 200 (then stopped with SIGTERM). */
const runServer = async (dataDir: string, env: NodeJS.ProcessEnv = {}) => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, RULES_DIR, PORT: String(port), HOST: '127.0.0.1', EVENTSTORE_CONNECTION_STRING: '', ACCEPT_LOG_LOSS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  let ready = false;
  while (child.exitCode === null && !ready) {
    if (Date.now() > deadline) child.kill('SIGKILL');
    ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (ready) child.kill('SIGTERM');
  return { ready, code: await exited, output };
};

/** New complaints after the loss reach a runner that goes on from the checkpoints the server left. */
const newEventsReachReadModels = async (t: Test, dir: string, world: World, use: (s: EventStore) => void) => {
  const store = openSqliteEventStore({ file: join(dir, 'events.db') });
  use(store);
  const { db, runner } = runnerFor(world, { db: openReadModelDb(readModelFile(dir)), projections: allProjections().filter((p) => p.name === 'cases') });
  const fresh = await world.act('complaint', 'c4', 'receive', complaintBody);
  await runner.start();
  await runner.waitForPosition(fresh.position);
  await runner.stop();
  db.close();
  await store.close();
  t.same(caseIds(dir), ['c1', 'c4', 'r1'], 'the new complaint reached the read model; the lost ones are gone from it');
  return fresh;
};

t.test('a lost WAL: start refused with the positions named, verify not intact; accepted once by position, recorded, read models rebuilt', async (t) => {
  const { dir, file, world, use, anchorAt, logEnd, lost } = await dataDirWithLostWal(t);

  const refused = quiet();
  t.equal(await rebuildCommand([], { DATA_DIR: dir, RULES_DIR }, refused.out), 1, 'npm run rebuild refuses');
  const line = new RegExp(
    `^rebuild failed: the event log ends at position ${logEnd}, but .*log-end\\.json recorded it ending at ${anchorAt} .*positions ${Number(logEnd) + 1}-${anchorAt} \\(${lost} events\\) are lost; the cause is events\\.db-wal lost or truncated, or events\\.db replaced by an older copy\\. Fix: restore .* from the backup; or, .* ACCEPT_LOG_LOSS=${anchorAt} `,
  );
  t.match(refused.lines.at(-1), line);

  const store = openSqliteEventStore({ file });
  const report = await verifyLog(store);
  await store.close();
  t.equal(report.intact, false, 'verify: not intact, though every chain links');
  t.same(report.broken, []);
  t.match(report.logEnd, { status: 'lost', reason: 'shorter', lostTo: anchorAt, eventsLost: lost });
  t.match(renderVerify(report), /log end: LOST: the event log ends at position/);

  const server = await runServer(dir);
  t.same([server.ready, server.code], [false, 1], 'the server refuses to start, exit code 1');
  t.match(server.output, new RegExp(`cannot start: the event log ends at position \\d+, but .* ending at ${anchorAt} .*ACCEPT_LOG_LOSS=${anchorAt}`));
  const wrong = openSqliteEventStore({ file });
  const readModels = openReadModelDb(readModelFile(dir));
  await t.rejects(checkLogEndAtStart({ store: wrong, acceptLossAt: String(Number(anchorAt) + 1), clock: systemClock, actor: ACTOR, readModels }), {
    message: /names another position, so it accepts nothing/,
  });
  t.equal(wrong.logEnd.refusal !== undefined, true, 'an option naming another position accepts nothing');
  await wrong.close();
  readModels.close();
  t.same(caseIds(dir), ['c1', 'c2', 'c3', 'r1'], 'nothing touched the read models yet');

  const accepted = await runServer(dir, { ACCEPT_LOG_LOSS: anchorAt });
  t.same([accepted.ready, accepted.code], [true, 0], `started and stopped cleanly:\n${accepted.output}`);
  t.match(accepted.output, new RegExp(`accepted the loss of positions \\d+-${anchorAt} \\(${lost} events\\), recorded as LogLossAccepted`));
  t.match(accepted.output, /rebuilding read models .*cases.* from the start of the log: the log lost events they applied/);
  t.same(caseIds(dir), ['c1', 'r1'], 'rebuilt: the read model holds what the log holds');

  const after = openSqliteEventStore({ file });
  const [recorded] = await after.readStream(`log-loss-${anchorAt}`);
  t.match(recorded, {
    type: 'LogLossAccepted',
    data: { reason: 'shorter', lostFrom: String(Number(logEnd) + 1), lostTo: anchorAt, eventsLost: lost, anchor: { position: anchorAt, hash: /^sha256:/ } },
    metadata: { actor: { role: 'admin' }, recordedAt: /Z$/ },
  });
  t.ok(recorded!.position.commit > BigInt(anchorAt), 'recorded after the lost positions, which are never handed out again');
  t.match(after.logEnd.check(), { status: 'intact' }, 'the anchor now holds the log as it is');
  await after.close();

  const fresh = await newEventsReachReadModels(t, dir, world, use);
  t.ok(fresh.position.commit > BigInt(anchorAt));
  const leftSet = openSqliteEventStore({ file });
  const leftSetReadModels = openReadModelDb(readModelFile(dir));
  const again = await checkLogEndAtStart({ store: leftSet, acceptLossAt: anchorAt, clock: systemClock, actor: ACTOR, readModels: leftSetReadModels });
  await leftSet.close();
  leftSetReadModels.close();
  t.same(
    again,
    { kind: 'in_step', logEnd: fresh.position.commit, ignoredAcceptance: true, rebuilt: [] },
    'an acceptance left set accepts nothing more, and is said to be ignored',
  );
});

t.test('without an anchor (deleted with the WAL): read models past the log end are rebuilt, and new events reach them', async (t) => {
  const { dir, file, world, use } = await dataDirWithLostWal(t);
  rmSync(join(dir, 'log-end.json'));
  const store = openSqliteEventStore({ file });
  const db = openReadModelDb(readModelFile(dir));
  const atStart = await checkLogEndAtStart({ store, acceptLossAt: undefined, clock: systemClock, actor: ACTOR, readModels: db });
  t.match(atStart, { kind: 'in_step', logEnd: 3n });
  t.same([...atStart.rebuilt].sort(), ['case_search', 'cases'], 'the checkpoints past the end are named, and marked');
  const twice = await checkLogEndAtStart({ store, acceptLossAt: undefined, clock: systemClock, actor: ACTOR, readModels: db });
  t.same(twice.rebuilt, [], 'marked once; the runner rebuilds them at its start');
  await store.close();
  db.close();
  await newEventsReachReadModels(t, dir, world, use);
});

t.test('an anchor behind the log (a crash before it was written) is normal: npm run rebuild goes on and the anchor catches up', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'log-end-behind-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'events.db');
  const store = openSqliteEventStore({ file });
  const world = await buildWorld({ store });
  await world.act('complaint', 'c1', 'receive', complaintBody);
  await store.close();
  const behind = readFileSync(join(dir, 'log-end.json'), 'utf8');
  const again = openSqliteEventStore({ file });
  await again.appendToStream('notes-x', [{ id: '6f1c2a9e-4b7d-4e21-9c3a-1d2e3f4a5b6c', type: 'Noted', data: {}, metadata: {} }], {
    expectedRevision: 'no_stream',
  });
  await again.close();
  writeFileSync(join(dir, 'log-end.json'), behind);
  const run = quiet();
  t.equal(await rebuildCommand([], { DATA_DIR: dir, RULES_DIR }, run.out), 0, run.lines.join('\n'));
  const reopened = openSqliteEventStore({ file });
  t.match(reopened.logEnd.check(), { status: 'intact', logEnd: 3n, anchor: { position: '2' } }, 'behind, and intact');
  await reopened.appendToStream('notes-y', [{ id: '0b4e8d2c-7a1f-4c3e-8b9d-2f6a5c4e3d21', type: 'Noted', data: {}, metadata: {} }], {
    expectedRevision: 'no_stream',
  });
  await reopened.close();
  t.match(JSON.parse(readFileSync(join(dir, 'log-end.json'), 'utf8')), { position: '4', events: 4 }, 'the next commit advances it');
});
