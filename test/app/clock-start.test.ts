import { join } from 'node:path';
import t from 'tap';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { tempDir } from '../api/harness.js';
import { ROOT, runScript } from './run-script.js';

t.test('a server with CLOCK=manual and CLOCK_START behind the log refuses to start: one line naming both instants and the fix, exit 1', async (t) => {
  const { dir, remove } = await tempDir('clock-start-');
  t.teardown(remove);
  const store = openSqliteEventStore({ file: join(dir, 'events.db') });
  await store.appendToStream(
    'complaint-1',
    [{ id: crypto.randomUUID(), type: 'ComplaintReceived', data: {}, metadata: { recordedAt: '2026-03-02T02:00:00Z' } }],
    {
      expectedRevision: 'no_stream',
    },
  );
  await store.close();

  const server = runScript(['src/main.ts'], {
    DATA_DIR: dir,
    RULES_DIR: join(ROOT, 'rules'),
    PORT: '0',
    HOST: '127.0.0.1',
    EVENTSTORE_CONNECTION_STRING: '',
    CLOCK: 'manual',
    CLOCK_START: '2026-03-01T00:00:00Z',
  });
  const killer = setTimeout(() => server.child.kill('SIGKILL'), 30_000);
  t.equal(await server.exited, 1, 'exit code 1');
  clearTimeout(killer);
  const lines = server.output().trim().split('\n');
  const fatal = lines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((line) => line.level >= 60);
  t.equal(fatal.length, 1, `one line:\n${server.output()}`);
  t.equal(
    fatal[0]?.msg,
    "cannot start: CLOCK_START 2026-03-01T00:00:00Z is behind the log's last recordedAt 2026-03-02T02:00:00Z; time only moves forward: set CLOCK_START to 2026-03-02T02:00:00Z or later, or leave it unset to start there",
  );
});
