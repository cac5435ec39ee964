import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { keepDataDirPrivate } from '../../src/runtime/private-data-dir.js';
import { tempDir } from '../api/harness.js';

const mode = (path: string) => statSync(path).mode & 0o777;

t.test('the data directory and everything in it are private to the server, whatever the umask', async (t) => {
  const { dir, remove } = await tempDir('private-data-');
  const umask = process.umask(0o022);
  t.teardown(async () => {
    process.umask(umask);
    await remove();
  });
  const data = join(dir, 'data');
  mkdirSync(join(data, 'backups'), { recursive: true, mode: 0o755 });
  writeFileSync(join(data, 'events.db'), 'x', { mode: 0o644 });
  writeFileSync(join(data, 'backups', 'events-1.db'), 'x', { mode: 0o666 });
  t.equal(mode(join(data, 'events.db')), 0o644, 'readable by others before');

  keepDataDirPrivate(data);
  t.equal(mode(data), 0o700);
  t.equal(mode(join(data, 'backups')), 0o700);
  t.equal(mode(join(data, 'events.db')), 0o600);
  t.equal(mode(join(data, 'backups', 'events-1.db')), 0o600);

  const db = new Database(join(data, 'read-models.db'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (x)');
  t.equal(mode(join(data, 'read-models.db')), 0o600, 'a database made afterwards is private');
  t.equal(mode(join(data, 'read-models.db-wal')), 0o600, 'and its WAL');
  db.close();
});

t.test('a data directory that does not exist yet is made private', async (t) => {
  const { dir, remove } = await tempDir('private-data-');
  const umask = process.umask(0o022);
  t.teardown(async () => {
    process.umask(umask);
    await remove();
  });
  keepDataDirPrivate(join(dir, 'new', 'data'));
  t.equal(mode(join(dir, 'new', 'data')), 0o700);
});

t.test('a file removed between the listing and its chmod (another process closing a database) is passed over', async (t) => {
  const { dir, remove } = await tempDir('private-race-');
  t.teardown(remove);
  const fs = await import('node:fs');
  // The listing names an -shm file that is gone by the time its mode is set.
  const { keepDataDirPrivate: keep } = await t.mockImport<typeof import('../../src/runtime/private-data-dir.js')>('../../src/runtime/private-data-dir.js', {
    'node:fs': {
      ...fs,
      readdirSync: () => [{ name: 'access.db-shm', isDirectory: () => false, isFile: () => true }],
    },
  });
  t.doesNotThrow(() => keep(dir), 'the start goes on');
  t.equal(statSync(dir).mode & 0o777, 0o700, 'and the directory is private');
});
