import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { openPersonalData } from '../../src/store/personal/from-config.js';
import type { RecordedEvent } from '../../src/store/port.js';
import { openSqliteIn, tempDir } from '../api/harness.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const SAMPLE = join(ROOT, 'docs/samples/summary-sample.csv');

const audit = (dir: string, args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/audit.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dir, EVENTSTORE_CONNECTION_STRING: '', RULES_DIR: join(ROOT, 'rules') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });

/**
 * The imported events of a data directory, personal fields opened, without what differs from run to
 * run (when, the sealed form, and the order in which the records' appends reached the log), by record.
 */
const importedIn = async (dir: string) => {
  const personal = openPersonalData({ DATA_DIR: dir });
  const store = personal.open(openSqliteIn(dir));
  try {
    const events = (await store.readAll()).filter((e) => (e.metadata as { imported?: boolean }).imported);
    return events
      .map((e: RecordedEvent) => {
        const { recordedAt: _at, integrity: _chain, ...metadata } = e.metadata as Record<string, unknown>;
        return { stream: e.streamName, revision: e.revision, id: e.id, type: e.type, data: e.opened ?? e.data, metadata };
      })
      .sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : Number(a.revision - b.revision)));
  } finally {
    await store.close();
    personal.keys.close();
  }
};

t.test('a summary import on its own thread reports and writes what it does on one thread', async (t) => {
  const one = await tempDir('import-one-thread-');
  const two = await tempDir('import-two-threads-');
  t.teardown(one.remove);
  t.teardown(two.remove);
  // The sample, and more records than one part of the file (2,000 rows) and the window of appends (512) hold.
  const header = 'type,number,propertyId,unit,category,description,receivedAt,ownerName,ownerPhone,completedAt,closedAt';
  const rows = Array.from(
    { length: 2_100 },
    (_, i) =>
      `报修,P-${i},demo,1-1-${100 + (i % 50)},给排水,漏水 ${i},2023-03-01 08:${String(i % 60).padStart(2, '0')},业主${i},138${String(i).padStart(8, '0')},2023-03-01 12:00,2023-03-02 09:00`,
  );
  const many = join(one.dir, 'many.csv');
  await writeFile(many, [header, ...rows, '报修,P-7,demo,1-1-107,给排水,重复的编号,2023-03-01 08:07,,,,'].join('\n'));

  for (const file of [SAMPLE, many]) {
    const onOne = await audit(one.dir, ['import', file, '--format', 'summary', '--time-zone', 'property', '--threads', '0', '--json']);
    const onTwo = await audit(two.dir, ['import', file, '--format', 'summary', '--time-zone', 'property', '--threads', '1', '--json']);
    t.equal(onTwo.code, onOne.code, `${file}: the same exit code`);
    t.ok(onOne.code === 0 || onOne.code === 1, onOne.stderr);
    t.same(JSON.parse(onTwo.stdout), JSON.parse(onOne.stdout), `${file}: the same report`);
  }
  const written = await importedIn(two.dir);
  t.ok(written.length > 2_100 * 3, `${written.length} events written`);
  t.same(written, await importedIn(one.dir), 'the same events, ids and owners');

  const again = await audit(two.dir, ['import', many, '--format', 'summary', '--time-zone', 'property', '--threads', '1']);
  t.match(again.stdout, /0 case\(s\) imported, 0 extended, 2099 already there, 2 rejected; 0 event\(s\) written/, 'a re-run on the thread writes nothing');
  const verified = await audit(two.dir, ['verify']);
  t.equal(verified.code, 0, `every chain intact: ${verified.stdout}`);
});

t.test('an import refused on the thread is refused as on one thread', async (t) => {
  const { dir, remove } = await tempDir('import-thread-refused-');
  t.teardown(remove);
  const outcomes = await Promise.all(
    ['0', '1'].map((threads) => audit(dir, ['import', SAMPLE, '--format', 'summary', '--time-zone', 'Mars/Olympus_Mons', '--threads', threads])),
  );
  for (const outcome of outcomes) t.equal(outcome.code, 2, outcome.stderr);
  t.equal(outcomes[1]!.stderr, outcomes[0]!.stderr, 'the same message');
  t.match(outcomes[0]!.stderr, /Mars\/Olympus_Mons/);

  const bad = await audit(dir, ['import', SAMPLE, '--format', 'summary', '--threads', '2']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--threads is 0 \(all on one thread\) or 1/);
});
