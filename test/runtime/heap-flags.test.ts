import t from 'tap';
import { maxOldSpaceFlagMb } from '../../src/runtime/heap-flags.js';
import { freePort, linesOf, serverEnv, runScript } from '../app/server-process.js';
import { tempDir } from '../api/harness.js';

t.test('the old-generation flag is found as V8 reads it: either spelling, after = or a space, the last one given', async (t) => {
  t.equal(maxOldSpaceFlagMb([], undefined), undefined, 'none given');
  t.equal(maxOldSpaceFlagMb(['--enable-source-maps'], '--import tsx'), undefined, 'other flags only');
  t.equal(maxOldSpaceFlagMb(['--max-old-space-size=160'], undefined), 160);
  t.equal(maxOldSpaceFlagMb([], '--import tsx --max_old_space_size=512'), 512, 'in NODE_OPTIONS, with underscores');
  t.equal(maxOldSpaceFlagMb([], '--max-old-space-size 300'), 300, 'the value after a space');
  t.equal(maxOldSpaceFlagMb(['--max-old-space-size=200'], '--max-old-space-size=100'), 200, 'the command line after NODE_OPTIONS: it wins');
  t.equal(maxOldSpaceFlagMb(['--max-old-space-size=abc'], undefined), undefined, 'a value V8 would not take');
  t.equal(maxOldSpaceFlagMb(['--max-old-space-size-extra=5'], undefined), undefined, 'another flag beginning the same');
});

t.test('a server given a heap flag says at start that it overrides HEAVY_THREAD_HEAP_MB', async (t) => {
  const { dir, remove } = await tempDir('heap-flag-');
  t.teardown(remove);
  const port = await freePort();
  // On node's command line: the test runner puts its own NODE_OPTIONS into every child's environment.
  const server = runScript(['--max-old-space-size=700', 'src/main.ts'], serverEnv(dir, port, { HEAVY_THREAD_HEAP_MB: '256' }));
  t.teardown(() => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });
  const giveUp = Date.now() + 90_000;
  const warning = () =>
    linesOf(server.output())
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as { level: number; msg: string; maxOldSpaceSizeMb?: number }];
        } catch {
          return [];
        }
      })
      .find((line) => line.maxOldSpaceSizeMb !== undefined);
  while (!warning() && server.child.exitCode === null && Date.now() < giveUp) await new Promise((resolve) => setTimeout(resolve, 100));
  const found = warning();
  t.equal(found?.level, 40, `a warning:\n${server.output()}`);
  t.equal(found?.maxOldSpaceSizeMb, 700);
  t.match(found?.msg, /--max-old-space-size=700 .*takes precedence over HEAVY_THREAD_HEAP_MB=256: each heavy-work thread may use 700 MB/);
});
