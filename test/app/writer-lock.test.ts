import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { openTokenStore } from '../../src/api/auth/tokens.js';
import { rebuildCommand } from '../../src/cli/rebuild.js';
import { acquireWriterLock, WRITER_LOCK_FILE, WriterLockHeldError } from '../../src/app/writer-lock.js';
import { openReadModelDb, READ_MODEL_FORMAT, readModelFile, recordedWriter } from '../../src/projections/index.js';
import { complaintBody } from '../api/harness.js';
import { freePort, linesOf, RULES_DIR, runScript, serverEnv, startServer, untilExit } from './server-process.js';

const tempDir = async (t: Test) => {
  const dir = await mkdtemp(join(tmpdir(), 'writer-lock-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
};

/** What an operator cleaning up a "stale lock" deletes. */
const deleteLockFile = (dir: string) => {
  for (const name of [WRITER_LOCK_FILE, `${WRITER_LOCK_FILE}-journal`]) rmSync(join(dir, name), { force: true });
};

t.test('one holder at a time; released by release()', async (t) => {
  const dir = await tempDir(t);
  const lock = acquireWriterLock(dir);
  t.throws(() => acquireWriterLock(dir), WriterLockHeldError);
  t.throws(() => acquireWriterLock(dir), {
    message: new RegExp(`^another process \\(pid ${process.pid}\\) is writing .*read models \\(a running server or npm run rebuild\\): stop it first`),
  });
  t.match(recordedWriter(readModelFile(dir)), { pid: process.pid }, 'the holder recorded in the read-model file');
  lock.release();
  lock.release(); // twice is harmless
  const again = acquireWriterLock(dir);
  again.release();
});

t.test('deleting writer.lock does not let a second writer in: the lock is held on the read-model file', async (t) => {
  const dir = await tempDir(t);
  const lock = acquireWriterLock(dir);
  deleteLockFile(dir);
  t.notOk(existsSync(join(dir, WRITER_LOCK_FILE)), 'the lock file is gone');
  t.throws(() => acquireWriterLock(dir), { name: 'WriterLockHeldError', holder: { pid: process.pid } }, 'still refused, naming the holder');
  lock.release();
  acquireWriterLock(dir).release();
  t.pass('free once the holder gives it up');
});

t.test('a holder killed with SIGKILL leaves no stale lock, and its pid blocks nothing', async (t) => {
  const dir = await tempDir(t);
  // The lock kept reachable: a lock nobody refers to is collected, and its connections closed with it.
  const holder = runScript([
    '-e',
    `import('./src/app/writer-lock.ts').then((m) => { globalThis.lock = m.acquireWriterLock(${JSON.stringify(dir)}); console.log('held'); setInterval(() => {}, 1000); })`,
  ]);
  const until = Date.now() + 60_000;
  while (!holder.output().includes('held')) {
    if (Date.now() > until || holder.child.exitCode !== null) throw new Error(`the holder did not start:\n${holder.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  t.throws(() => acquireWriterLock(dir), { name: 'WriterLockHeldError', holder: { pid: holder.child.pid } }, 'held by the other process, named');
  holder.child.kill('SIGKILL');
  await holder.exited;
  t.match(recordedWriter(readModelFile(dir)), { pid: holder.child.pid }, 'the dead holder is still recorded');
  const lock = acquireWriterLock(dir);
  t.pass('free again once the holder is gone');
  t.match(recordedWriter(readModelFile(dir)), { pid: process.pid }, 'and the new holder recorded');
  lock.release();
});

t.test('a read-model file that is not a database, or of another format, is set aside with its companions when the lock is taken', async (t) => {
  const dir = await tempDir(t);
  const file = readModelFile(dir);
  writeFileSync(file, Buffer.alloc(8192, 0x5a));
  writeFileSync(`${file}-wal`, 'not a wal');
  writeFileSync(`${file}-shm`, 'not a shm');
  const at = new Date('2026-03-02T01:02:03.004Z');
  const lock = acquireWriterLock(dir, { now: () => at });
  t.match(lock.setAside, { file, to: `${file}.corrupt-2026-03-02T01-02-03-004Z`, reason: /^is not a SQLite database \(SQLITE_NOTADB/ });
  t.same(
    readdirSync(dir)
      .filter((name) => name.includes('.corrupt-'))
      .sort(),
    [
      'read-models.db.corrupt-2026-03-02T01-02-03-004Z',
      'read-models.db.corrupt-2026-03-02T01-02-03-004Z-shm',
      'read-models.db.corrupt-2026-03-02T01-02-03-004Z-wal',
    ],
  );
  t.equal(readFileSync(join(dir, 'read-models.db.corrupt-2026-03-02T01-02-03-004Z-wal'), 'utf8'), 'not a wal', 'its WAL kept as it was');
  const db = openReadModelDb(file);
  t.equal(db.pragma('user_version', { simple: true }), READ_MODEL_FORMAT, 'a new file, of this format');
  db.close();
  lock.release();

  const other = new Database(file);
  other.pragma(`user_version = ${READ_MODEL_FORMAT + 1}`);
  other.close();
  const next = acquireWriterLock(dir, { now: () => at });
  t.match(next.setAside, {
    to: `${file}.format-${READ_MODEL_FORMAT + 1}-2026-03-02T01-02-03-004Z`,
    reason: `is of format ${READ_MODEL_FORMAT + 1}, not this engine's ${READ_MODEL_FORMAT}`,
  });
  next.release();

  const usable = acquireWriterLock(dir);
  t.equal(usable.setAside, undefined, 'a usable file stays');
  usable.release();
});

t.test('npm run rebuild and a second server refuse a DATA_DIR whose read models another process writes', async (t) => {
  const dir = await tempDir(t);
  const lock = acquireWriterLock(dir);
  t.teardown(() => lock.release());
  const lines: string[] = [];
  t.equal(await rebuildCommand([], { DATA_DIR: dir, RULES_DIR }, { log: (l) => lines.push(l), error: (l) => lines.push(l) }), 1);
  t.match(lines, [new RegExp(`^rebuild failed: another process \\(pid ${process.pid}\\) is writing`)]);

  const { code, output } = await untilExit(runScript(['src/main.ts'], serverEnv(dir, await freePort())));
  t.equal(code, 1, 'the server exits with 1');
  t.equal(linesOf(output).length, 1, 'in one line');
  t.match(output, new RegExp(`"msg":"cannot start: another process \\(pid ${process.pid}\\) is writing`));
});

t.test(
  'writer.lock deleted under a running server: a second server and a rebuild are still refused, naming its pid; nothing acknowledged is lost',
  async (t) => {
    const dir = await tempDir(t);
    const tokens = openTokenStore(join(dir, 'access.db'));
    const frontdesk = tokens.create({ role: 'frontdesk', properties: ['demo'] }).token;
    tokens.close();
    const first = await startServer(dir);
    t.teardown(() => first.kill());
    const created: string[] = [];
    const register = async (server: typeof first, unit: string) => {
      const response = await server.call('POST', '/v1/complaints', frontdesk, complaintBody({ unit }));
      t.equal(response.status, 201, 'acknowledged');
      created.push(response.body.id);
    };
    await register(first, '1-1-101');

    deleteLockFile(dir);
    const second = await untilExit(runScript(['src/main.ts'], serverEnv(dir, await freePort())));
    t.equal(second.code, 1, 'the second server exits with 1');
    t.equal(linesOf(second.output).length, 1, 'in one line');
    t.match(second.output, new RegExp(`"msg":"cannot start: another process \\(pid ${first.pid}\\) is writing ${dir}'s read models`));
    const lines: string[] = [];
    t.equal(await rebuildCommand([], { DATA_DIR: dir, RULES_DIR }, { log: (l) => lines.push(l), error: (l) => lines.push(l) }), 1);
    t.match(lines, [new RegExp(`^rebuild failed: another process \\(pid ${first.pid}\\) is writing`)], 'npm run rebuild too');

    await register(first, '1-1-102');
    t.equal((await first.call('GET', `/v1/complaints/${created[0]}`, frontdesk)).status, 200, 'the first server goes on');
    // A crash: the pid it recorded stays in the file, and blocks nothing.
    await first.kill();
    const third = await startServer(dir, { CLOCK_START: '2026-03-02T01:05:00Z' });
    t.teardown(() => third.kill());
    t.match(recordedWriter(readModelFile(dir)), { pid: third.pid }, 'the new server recorded itself');
    for (const id of created) t.equal((await third.call('GET', `/v1/complaints/${id}/events`, frontdesk)).body.events.length, 1, `${id} is still there`);
    t.equal(await third.stop(), 0);
  },
);
