import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { rebuildCommand } from '../../src/cli/rebuild.js';
import { acquireWriterLock, WriterLockHeldError } from '../../src/app/writer-lock.js';
import { ROOT, runScript as run } from './run-script.js';

const RULES_DIR = join(ROOT, 'rules');

const tempDir = async (t: Test) => {
  const dir = await mkdtemp(join(tmpdir(), 'writer-lock-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
};

t.test('one holder at a time; released by release()', async (t) => {
  const dir = await tempDir(t);
  const lock = acquireWriterLock(dir);
  t.throws(() => acquireWriterLock(dir), WriterLockHeldError);
  t.throws(() => acquireWriterLock(dir), { message: /another process is writing .*read models \(a running server or npm run rebuild\): stop it first/ });
  lock.release();
  lock.release(); // twice is harmless
  const again = acquireWriterLock(dir);
  again.release();
});

t.test('a holder killed with SIGKILL leaves no stale lock', async (t) => {
  const dir = await tempDir(t);
  const holder = run([
    '-e',
    `import('./src/app/writer-lock.ts').then((m) => { m.acquireWriterLock(${JSON.stringify(dir)}); console.log('held'); setInterval(() => {}, 1000); })`,
  ]);
  const until = Date.now() + 30_000;
  while (!holder.output().includes('held')) {
    if (Date.now() > until || holder.child.exitCode !== null) throw new Error(`the holder did not start:\n${holder.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  t.throws(() => acquireWriterLock(dir), WriterLockHeldError, 'held by the other process');
  holder.child.kill('SIGKILL');
  await holder.exited;
  const lock = acquireWriterLock(dir);
  t.pass('free again once the holder is gone');
  lock.release();
});

t.test('npm run rebuild and a second server refuse a DATA_DIR whose read models another process writes', async (t) => {
  const dir = await tempDir(t);
  const lock = acquireWriterLock(dir);
  t.teardown(() => lock.release());
  const lines: string[] = [];
  t.equal(await rebuildCommand([], { DATA_DIR: dir, RULES_DIR }, { log: (l) => lines.push(l), error: (l) => lines.push(l) }), 1);
  t.match(lines, [/^rebuild failed: another process is writing/]);

  const server = run(['src/main.ts'], { DATA_DIR: dir, RULES_DIR, PORT: '0', HOST: '127.0.0.1', EVENTSTORE_CONNECTION_STRING: '' });
  const killer = setTimeout(() => server.child.kill('SIGKILL'), 30_000);
  t.equal(await server.exited, 1, 'the server exits with 1');
  clearTimeout(killer);
  t.match(server.output(), /another process is writing.*"msg":"cannot start"/s);
});
