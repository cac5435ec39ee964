import { spawn } from 'node:child_process';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import t from 'tap';
import { importedCaseId } from '../../src/audit/import/import.js';
import { owner, openSqliteIn, tempDir } from '../api/harness.js';

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

t.test('npm run audit -- import FILE.xlsx: the first worksheet, streamed from the file', async (t) => {
  const { dir, remove } = await tempDir('audit-import-xlsx-');
  t.teardown(remove);
  const description = '电梯异响，三号楼“咔哒”声';
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('投诉');
  sheet.addRow(['caseRef', 'caseType', 'action', 'occurredAt', 'actor', 'role', 'fields']);
  const fields = JSON.stringify({ propertyId: 'demo', unit: '1-1-101', category: 'noise', description, channel: 'phone', owner });
  sheet.addRow(['XLS-1', 'complaint', 'receive', new Date(Date.UTC(2025, 10, 3, 9, 12)), '李娜', 'frontdesk', fields]);
  sheet.getCell('D2').numFmt = 'yyyy-mm-dd hh:mm';
  const file = join(dir, 'old.xlsx');
  await wb.xlsx.writeFile(file);

  const encoded = await audit(dir, ['import', file, '--encoding', 'gbk']);
  t.equal(encoded.code, 2, 'an encoding for a workbook is bad usage');
  t.match(encoded.stderr, /--encoding: an \.xlsx holds its text in Unicode/);

  const local = await audit(dir, ['import', file, '--json']);
  t.equal(local.code, 1, 'a date cell is a time without an offset');
  t.match(JSON.parse(local.stdout).rejected, [{ row: 1, field: 'occurredAt', code: 'TIME_WITHOUT_OFFSET', value: '2025-11-03 09:12:00' }]);

  const done = await audit(dir, ['import', file, '--time-zone', 'property']);
  t.equal(done.code, 0, done.stderr);
  t.match(done.stdout, /1 case\(s\) imported/);
  const store = openSqliteIn(dir);
  const [event] = await store.readStream(`complaint-${importedCaseId('complaint', 'XLS-1')}`).finally(() => store.close());
  t.equal((event!.data as { description: string }).description, description);
  t.equal(Date.parse((event!.metadata as { occurredAt: string }).occurredAt), Date.parse('2025-11-03T01:12:00Z'), 'read in Asia/Shanghai');
});
