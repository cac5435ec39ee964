import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { openTokenStore } from '../../src/api/auth/tokens.js';
import { backupCommand } from '../../src/cli/backup.js';
import { personalDataCommand } from '../../src/cli/personal-data.js';
import { tempDir } from '../api/harness.js';
import { runScript, serverEnv, startServer, untilExit } from '../app/server-process.js';

const ADMIN_TOKEN = 'at-rest-admin-0123456789abcdefABCDEF';
/** Distinctive enough that no other byte sequence in the files holds them by chance. */
const people = [
  { name: '诸葛保密测试', phone: '13987654321', typed: '+86 139-8765-4321' },
  { name: 'Zebediah Quuxworth', phone: '15811223344', typed: '158 1122 3344' },
  { name: '司马来访测试', phone: '17766554433', typed: '177-6655-4433' },
  // Imported: the import decides and seals on a heavy-work thread, the server appends.
  { name: '欧阳导入测试', phone: '13655667788', typed: '136 5566 7788' },
];
/** Not personal: stored as written, so the scan shows it reads the events' content. */
const CANARY = '楼上噪音标记壬癸';
/** Each secret as the files could hold it: UTF-8 and UTF-16 (SQLite's other text encoding), the phone as typed and in its one spelling. */
const needles = people.flatMap((p) =>
  [p.name, p.phone, p.typed, p.phone.slice(3)].flatMap((s) => [
    { what: s, bytes: Buffer.from(s, 'utf8') },
    { what: `${s} (UTF-16)`, bytes: Buffer.from(s, 'utf16le') },
  ]),
);

/** Every file under `dir`, WAL and journal files included, with the secrets each holds. */
const scan = (dir: string): Array<{ file: string; holds: string[] }> =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((file) => statSync(file).isFile())
    .map((file) => {
      const bytes = readFileSync(file);
      return { file, holds: needles.filter((n) => bytes.includes(n.bytes)).map((n) => n.what) };
    });

t.test('after a run, no file of the data directory or of its backup holds an owner name or phone; erasure is by phone', async (t) => {
  const { dir: root, remove } = await tempDir('at-rest-');
  t.teardown(remove);
  const dataDir = join(root, 'data');
  const backupDir = join(root, 'backup');
  await startServer(dataDir, { ADMIN_TOKEN }).then((s) => s.stop());
  const tokens = openTokenStore(join(dataDir, 'access.db'));
  const frontdesk = tokens.create({ role: 'frontdesk', properties: ['demo'] }).token;
  tokens.close();
  const server = await startServer(dataDir, { ADMIN_TOKEN });
  let running = true;
  t.teardown(async () => {
    if (running) await server.stop();
  });
  const ok = async (method: string, path: string, token: string, body?: unknown, status = 200) => {
    const response = await server.call(method, path, token, body);
    t.equal(response.status, status, `${method} ${path}${response.status === status ? '' : `: ${JSON.stringify(response.body)}`}`);
    return response.body;
  };
  const [a, b, c, d] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0], (typeof people)[0]];
  const complaint = (
    await ok(
      'POST',
      '/v1/complaints',
      frontdesk,
      { propertyId: 'demo', unit: '1-1-101', category: 'noise', description: CANARY, channel: 'phone', owner: { name: a.name, phone: a.typed } },
      201,
    )
  ).id;
  const repair = (
    await ok(
      'POST',
      '/v1/repairs',
      frontdesk,
      { propertyId: 'demo', location: '1-1-101', category: 'plumbing', complexity: 'general', description: '漏水', owner: { name: b.name, phone: b.typed } },
      201,
    )
  ).id;
  const visit = (
    await ok(
      'POST',
      '/v1/visits',
      frontdesk,
      { propertyId: 'demo', unit: '2-1-101', category: 'inquiry', description: '咨询', visitor: { name: c.name, phone: c.typed } },
      201,
    )
  ).id;
  await ok('POST', `/v1/complaints/${complaint}/acknowledge`, frontdesk, {});
  const imported = await ok('POST', '/v1/admin/import', ADMIN_TOKEN, [
    {
      caseRef: 'OLD-PII-1',
      caseType: 'complaint',
      action: 'receive',
      occurredAt: '2026-03-01T01:00:00Z',
      actor: 'li.na',
      role: 'frontdesk',
      propertyId: 'demo',
      unit: '1-1-101',
      category: 'noise',
      description: '历史投诉',
      channel: 'phone',
      owner: { name: d.name, phone: d.typed },
    },
  ]);
  t.match(imported, { eventsWritten: 1, rejected: [] }, 'an owner imported through the API');

  t.match((await ok('GET', `/v1/complaints/${complaint}`, frontdesk)).details.owner, { name: a.name, phone: a.typed }, 'the desk reads the owner');
  // The phone search reads the projections: once it finds each record, the read models hold what they will.
  const byPhone = async (phone: string) =>
    (await ok('GET', `/v1/cases?propertyId=demo&phone=${encodeURIComponent(phone)}`, frontdesk)).items.map((i: { id: string }) => i.id);
  const until = Date.now() + 30_000;
  while ((await byPhone(c.phone)).length === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
  t.same(await byPhone(a.phone), [complaint], 'the phone search finds the complaint');
  t.same(await byPhone(b.typed), [repair], 'and the repair');
  t.same(await byPhone(c.phone), [visit], 'and the visit');

  const quiet = { log: () => {}, error: (line: string) => t.comment(line) };
  const env = { ...process.env, ...serverEnv(dataDir, 0) };
  t.equal(await backupCommand([backupDir], env, quiet), 0, 'npm run backup while the server runs');

  // Erased through the CLI while the server runs: the server reads the erasure at once (no key is cached).
  const lines: string[] = [];
  t.equal(await personalDataCommand(['erase', '--phone', '139 8765 4321'], env, { log: (l) => lines.push(l), error: (l) => t.comment(l) }), 0, 'npm run erase');
  t.match(lines.at(-1), /^erased 1 record\(s\), 1 key\(s\) destroyed, by operator:/);
  t.match((await ok('GET', `/v1/complaints/${complaint}`, frontdesk)).details.owner, { name: { erased: true }, phone: { erased: true } }, 'read as erased');
  const verify = await ok('GET', '/v1/audit/verify?propertyId=demo', ADMIN_TOKEN);
  t.match(verify, { intact: true, broken: [] }, 'the log still verifies');

  const whileRunning = scan(dataDir);
  t.ok(
    whileRunning.some((f) => f.file.endsWith('events.db-wal')),
    'the WAL files are among the files scanned',
  );
  t.same(
    whileRunning.filter((f) => f.holds.length > 0),
    [],
    'no file in DATA_DIR holds a name or phone while the server runs',
  );
  running = false;
  t.equal(await server.stop(), 0);
  const files = [...scan(dataDir), ...scan(backupDir)];
  t.ok(
    files.some((f) => f.file.endsWith('read-models.db')) && files.some((f) => f.file === join(backupDir, 'events.db')),
    'the log, read models and backup are scanned',
  );
  t.same(
    files.filter((f) => f.holds.length > 0),
    [],
    'nor after it stopped, nor in the backup',
  );
  const wrongKey = await untilExit(runScript(['src/main.ts'], serverEnv(dataDir, 0, { ADMIN_TOKEN, MASTER_KEY: 'c3'.repeat(32) })));
  t.equal(wrongKey.code, 1, 'another master key does not start the server');
  t.match(wrongKey.output, /cannot start: data key [0-9a-f]{32} is wrapped by master key [0-9a-f]{16}, but MASTER_KEY is master key [0-9a-f]{16}/);
  const canary = Buffer.from(CANARY, 'utf8');
  t.ok(readFileSync(join(backupDir, 'events.db')).includes(canary), 'while a description, not personal, is there as written');
});
