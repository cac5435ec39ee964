import { spawn } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { importedCaseId } from '../../src/audit/import/import.js';
import { owner, openSqliteIn, tempDir } from '../api/harness.js';
import { gb18030Bytes } from '../audit/gb18030-bytes.js';

const ROOT = new URL('../..', import.meta.url).pathname;

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

t.test('npm run audit -- import: --encoding and --time-zone', async (t) => {
  const { dir, remove } = await tempDir('audit-import-');
  t.teardown(remove);
  const description = '电梯异响，三号楼';
  const fields = JSON.stringify({ propertyId: 'demo', unit: '1-1-101', category: 'noise', description, channel: 'phone', owner }).replaceAll('"', '""');
  const file = join(dir, 'old.csv');
  await writeFile(
    file,
    gb18030Bytes(`caseRef,caseType,action,occurredAt,actor,role,fields\r\nCLI-1,complaint,receive,2025-11-03 09:12,李娜,frontdesk,"${fields}"\r\n`),
  );

  const unknown = await audit(dir, ['import', file, '--encoding', 'ebcdic-9']);
  t.equal(unknown.code, 2, 'an unknown encoding is bad input');
  t.match(unknown.stderr, /UNSUPPORTED_ENCODING: unknown encoding ebcdic-9; supported: utf-8, gb18030/);

  const local = await audit(dir, ['import', file, '--encoding', 'gb18030', '--json']);
  t.equal(local.code, 1, 'a refused row is a finding');
  t.match(JSON.parse(local.stdout).rejected, [{ row: 1, field: 'occurredAt', code: 'TIME_WITHOUT_OFFSET', value: '2025-11-03 09:12' }]);

  const done = await audit(dir, ['import', file, '--encoding', 'gb18030', '--time-zone', 'property']);
  t.equal(done.code, 0, done.stderr);
  t.match(done.stdout, /1 case\(s\) imported/);
  // Closed before the directory is removed: the store's anchor write must not land in a removed directory.
  const store = openSqliteIn(dir);
  const [event] = await store.readStream(`complaint-${importedCaseId('complaint', 'CLI-1')}`).finally(() => store.close());
  t.equal((event!.data as { description: string }).description, description);
  t.equal(Date.parse((event!.metadata as { occurredAt: string }).occurredAt), Date.parse('2025-11-03T01:12:00Z'));
});

t.test('npm run audit keeps DATA_DIR private; a report of a period no agreement covers is bad input', async (t) => {
  const { dir: parent, remove } = await tempDir('audit-private-');
  t.teardown(remove);
  const dir = join(parent, 'data');
  const sample = join(ROOT, 'docs/samples/summary-sample.csv');
  // A permissive umask, inherited by the CLI: the modes below are then its own doing.
  const umask = process.umask(0o022);
  t.teardown(() => process.umask(umask));
  const imported = await audit(dir, ['import', sample, '--format', 'summary', '--time-zone', 'property']);
  t.equal(imported.code, 1, imported.stderr);
  t.equal((await stat(dir)).mode & 0o777, 0o700, 'the data directory the import made is private');
  for (const file of ['events.db', 'keys.db', 'master.key']) t.equal((await stat(join(dir, file))).mode & 0o777, 0o600, `and ${file}`);

  const report = await audit(dir, ['report', '--property', 'demo', '--period', '2023-05']);
  t.equal(report.code, 2, 'no agreement in force: the period asked, not an engine failure');
  t.match(report.stderr, /^NO_AGREEMENT_IN_FORCE: /);
  t.notMatch(report.stderr, /\n\s+at /, 'without a stack trace');

  const unknown = await audit(join(parent, 'never'), ['bogus']);
  t.equal(unknown.code, 2, 'an unknown command is bad usage');
  await t.rejects(stat(join(parent, 'never')), { code: 'ENOENT' }, 'and makes no data directory');
});

t.test('npm run audit -- import --format summary: a dry run of the sample writes nothing; --strict refuses its unknown column', async (t) => {
  const { dir, remove } = await tempDir('audit-import-summary-');
  t.teardown(remove);
  const sample = join(ROOT, 'docs/samples/summary-sample.csv');
  const dry = await audit(dir, ['import', sample, '--format', 'summary', '--time-zone', 'property', '--dry-run']);
  t.equal(dry.code, 1, 'its rejected row is a finding');
  t.match(
    dry.stdout,
    /12 row\(s\): 11 case\(s\) would be imported \(dry run\), 0 extended, 0 already there, 1 rejected; 41 event\(s\) would be written, none written/,
  );
  t.match(dry.stdout, /4\s+TS-2023-0104\s+closedAt\s+2023-05-01 17:00/);
  t.match(dry.stdout, /column\(s\) 备注 are not columns of a summary import/);
  const strict = await audit(dir, ['import', sample, '--format', 'summary', '--time-zone', 'property', '--strict']);
  t.equal(strict.code, 2, 'an unknown column under --strict is bad input');
  t.match(strict.stderr, /INVALID_COMMAND: columns: unknown column\(s\) 备注/);
  const store = openSqliteIn(dir);
  const events = await store.readAll().finally(() => store.close());
  t.notOk(
    events.some((e) => (e.metadata as { imported?: boolean }).imported),
    'neither wrote a record',
  );
});

t.test('npm run audit -- import --format summary: a plain progress line on a stderr that is no terminal; a re-run writes nothing', async (t) => {
  const { dir, remove } = await tempDir('audit-import-progress-');
  t.teardown(remove);
  const header = 'type,number,propertyId,unit,category,description,receivedAt,completedAt,closedAt';
  const rows = Array.from(
    { length: 40 },
    (_, i) => `报修,P-${i},demo,1-1-${100 + i},给排水,漏水 ${i},2023-03-01 08:${String(i).padStart(2, '0')},2023-03-01 12:00,2023-03-02 09:00`,
  );
  const file = join(dir, 'export.csv');
  await writeFile(file, [header, ...rows].join('\n'));
  const first = await audit(dir, ['import', file, '--format', 'summary', '--time-zone', 'property']);
  t.equal(first.code, 0, first.stderr);
  t.match(first.stdout, /40 row\(s\): 40 case\(s\) imported, 0 extended, 0 already there, 0 rejected; 120 event\(s\) written/);
  t.match(first.stderr, /^import: 40 row\(s\), 40 record\(s\), 0 rejected, 120 event\(s\) written in [\d.]+ s \(\d+ events\/s, \d+ rows\/s\)\n$/);
  const again = await audit(dir, ['import', file, '--format', 'summary', '--time-zone', 'property']);
  t.match(again.stdout, /40 row\(s\): 0 case\(s\) imported, 0 extended, 40 already there, 0 rejected; 0 event\(s\) written/);
  const store = openSqliteIn(dir);
  const events = await store.readAll().finally(() => store.close());
  t.equal(events.filter((e) => (e.metadata as { imported?: boolean }).imported).length, 120, 'each record written once');
});
