import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { runScript } from '../app/run-script.js';
import { newDataDir, runServer } from '../e2e/browser-harness.js';
import { ADMIN_TOKEN, owner, START } from '../e2e/dashboard-fixture.js';

const complaint = (unit: string) => ({ propertyId: 'demo', unit, category: 'noise', description: '楼上噪音', channel: 'phone', owner });

t.test(
  'a backup taken while the server writes restores to a server that starts on it, holding exactly the log backed up, which verifies against its anchor',
  { timeout: 180_000 },
  async (t) => {
    const server = await runServer({ adminToken: ADMIN_TOKEN, clockStart: START });
    t.teardown(() => server.close());
    const backup = join(await newDataDir(), 'backup');
    const restored = await newDataDir();
    t.teardown(() => rm(join(backup, '..'), { recursive: true, force: true }));
    const kept: string[] = [];
    for (const unit of ['1-1-101', '1-1-102', '1-1-103'])
      kept.push((await server.call<{ id: string }>('POST', '/v1/complaints', ADMIN_TOKEN, complaint(unit))).id);

    // Taken while the server runs and goes on writing: the online backup needs no stop.
    const writing = Promise.all(['2-1-201', '2-1-202'].map((unit) => server.call('POST', '/v1/complaints', ADMIN_TOKEN, complaint(unit))));
    const taken = runScript(['src/cli/backup.ts', backup], { DATA_DIR: server.dataDir, EVENTSTORE_CONNECTION_STRING: '' });
    t.equal(await taken.exited, 0, taken.output());
    await writing;
    t.match(taken.output(), /backed up .* events, the last at position \d+/);
    t.same(
      (await readdir(backup)).sort(),
      ['access.db', 'anchor.json', 'events.db', 'keys.db', 'log-end.json'],
      'the log, the tokens, the data keys (wrapped), the anchors; no WAL to lose',
    );
    t.equal((await stat(backup)).mode & 0o777, 0o700, 'the backup directory is private');
    t.equal((await stat(join(backup, 'events.db'))).mode & 0o777, 0o600, 'and its files');
    // Byte 18 of a SQLite file's header is its read version: 1 for a rollback journal, 2 for WAL.
    const header = (await readFile(join(backup, 'events.db'))).subarray(0, 20);
    t.equal(header[18], 1, 'the copied log is in rollback-journal form: nothing depends on a WAL');
    const after = (await server.call<{ id: string }>('POST', '/v1/complaints', ADMIN_TOKEN, complaint('3-1-301'))).id;
    // The master key is never in a backup: it comes from where the operator keeps it (here, the old DATA_DIR's own).
    await copyFile(join(server.dataDir, 'master.key'), join(restored, 'master.key'));
    await server.close();

    // A restore: the backup's files into an empty DATA_DIR; a server starts on it (no loss to refuse) and builds its read models.
    for (const name of ['events.db', 'access.db', 'keys.db', 'log-end.json']) await copyFile(join(backup, name), join(restored, name));
    const again = await runServer({ adminToken: ADMIN_TOKEN, clockStart: START, dataDir: restored });
    t.teardown(() => again.close());
    for (const id of kept) t.equal((await again.call<{ id: string }>('GET', `/v1/complaints/${id}`, ADMIN_TOKEN)).id, id, `${id} is restored`);
    await t.rejects(again.call('GET', `/v1/complaints/${after}`, ADMIN_TOKEN), /404/, 'what was written after the backup is not in it');
    const listed = await again.call<{ items: unknown[] }>('GET', '/v1/cases?propertyId=demo&type=complaint&limit=100', ADMIN_TOKEN);
    t.ok(listed.items.length >= 3, `the read models are built from the restored log (${listed.items.length} complaints listed)`);
    const verified = runScript(['src/cli/audit.ts', 'verify', '--anchor', join(backup, 'anchor.json')], {
      DATA_DIR: restored,
      EVENTSTORE_CONNECTION_STRING: '',
    });
    t.equal(await verified.exited, 0, `the restore verifies against the backup's anchor:\n${verified.output()}`);
    t.match(verified.output(), /every hash chain is intact/);
  },
);

t.test('a backup goes into a new directory, from a DATA_DIR that has a log', { timeout: 60_000 }, async (t) => {
  const dir = await newDataDir();
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const full = join(dir, 'full');
  await mkdir(full);
  await writeFile(join(full, 'something'), 'x');
  const refused = runScript(['src/cli/backup.ts', full], { DATA_DIR: dir, EVENTSTORE_CONNECTION_STRING: '' });
  t.equal(await refused.exited, 1);
  t.match(refused.output(), /events\.db does not exist|is not empty/);
  const usage = runScript(['src/cli/backup.ts'], { DATA_DIR: dir, EVENTSTORE_CONNECTION_STRING: '' });
  t.equal(await usage.exited, 2);
  t.match(usage.output(), /name one directory to back up into/);
});
