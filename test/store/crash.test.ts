/**
 * Kills a writing process with SIGKILL at random moments and checks, after each kill, that
 * every acknowledged event is in the file exactly once and nothing is duplicated.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type { RecordedEvent } from '../../src/store/port.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';

const KILLS = 21;
const MAX_KILL_DELAY_MS = 120;
const writerScript = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the writer until a random moment after its first acknowledgement; returns what it acknowledged. */
const runAndKill = (file: string, run: number): Promise<{ acknowledged: string[]; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writerScript, file, String(run)], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acknowledged: string[] = [];
    let pending = '';
    let stderr = '';
    let killTimer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      acknowledged.push(...lines);
      killTimer ??= setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * MAX_KILL_DELAY_MS));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(killTimer);
      if (signal === 'SIGKILL') resolve({ acknowledged, stderr });
      else reject(new Error(`writer exited on its own (code ${code}): ${stderr}`));
    });
  });

const duplicatesIn = (ids: readonly string[]): string[] => ids.filter((id, index) => ids.indexOf(id) !== index);

const streamsWithGaps = (log: readonly RecordedEvent[]): string[] => {
  const next = new Map<string, bigint>();
  const gaps = new Set<string>();
  for (const event of log) {
    if (event.revision !== (next.get(event.streamName) ?? 0n)) gaps.add(event.streamName);
    next.set(event.streamName, event.revision + 1n);
  }
  return [...gaps];
};

t.test('sqlite: acknowledged appends survive SIGKILL, exactly once', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'event-store-crash-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'events.db');
  const everAcknowledged = new Set<string>();

  for (let run = 0; run < KILLS; run += 1) {
    const { acknowledged } = await runAndKill(file, run);
    for (const id of acknowledged) everAcknowledged.add(id);

    const store = openSqliteEventStore({ file });
    const log = await store.readAll();
    await store.close();
    const stored = new Set(log.map((event) => event.id));
    const lost = [...everAcknowledged].filter((id) => !stored.has(id));
    if (lost.length > 0 || stored.size !== log.length) {
      t.fail(`after kill ${run + 1}`, { lost: lost.slice(0, 5), duplicates: duplicatesIn(log.map((event) => event.id)).slice(0, 5) });
      return;
    }
    t.same(streamsWithGaps(log), [], `after kill ${run + 1}: ${acknowledged.length} acknowledged, ${log.length} stored, none lost`);
  }
  t.ok(everAcknowledged.size > KILLS, `${everAcknowledged.size} acknowledged events checked in all`);
});
