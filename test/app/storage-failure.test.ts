import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { atStart, classifyStorageError, findStorageFailure, StorageFailure } from '../../src/runtime/storage-failure.js';
import { openEventDatabase, SCHEMA_VERSION } from '../../src/store/sqlite-schema.js';
import { tempDir } from '../api/harness.js';

const sqliteError = (code: string, message = code) => Object.assign(new Error(message), { code });

t.test('each storage error at start is one sentence: the file, what is wrong, what to do', async (t) => {
  const { dir, remove } = await tempDir('storage-failure-');
  t.teardown(remove);
  const events = join(dir, 'events.db');

  t.match(classifyStorageError(events, 'event-log', sqliteError('SQLITE_NOTADB')), {
    file: events,
    code: 'SQLITE_NOTADB',
    message: `${events} is not a SQLite database (SQLITE_NOTADB): the event log is the record itself and is never set aside or rebuilt: keep the file as it is for inspection, restore events.db from the last backup, then start again (docs/operations.md)`,
  });
  t.match(classifyStorageError(join(dir, 'access.db'), 'access', sqliteError('SQLITE_CORRUPT', 'database disk image is malformed')), {
    reason: 'is damaged: database disk image is malformed (SQLITE_CORRUPT)',
    fix: /^restore access\.db from a backup, or move it out of DATA_DIR/,
  });
  t.match(classifyStorageError(events, 'event-log', sqliteError('SQLITE_FULL')), {
    reason: 'cannot be written: the disk is full (SQLITE_FULL)',
    fix: `free space on the file system holding ${dir} (df -h ${dir}), then start again`,
  });
  t.match(classifyStorageError(events, 'event-log', sqliteError('SQLITE_BUSY')), {
    reason: 'is locked by another process (SQLITE_BUSY)',
    fix: `find the program holding it with fuser -v ${events} (an sqlite3 shell, a backup, another engine), stop it, then start again`,
  });
  t.match(classifyStorageError(events, 'event-log', sqliteError('SQLITE_IOERR_WRITE')), { reason: /input\/output error \(SQLITE_IOERR_WRITE\)/, fix: /dmesg/ });
  t.match(classifyStorageError(events, 'event-log', sqliteError('EROFS')), {
    reason: 'is on a read-only file system (EROFS)',
    fix: 'mount the file system read-write, or point DATA_DIR at a writable directory',
  });
  t.match(classifyStorageError(events, 'event-log', sqliteError('SQLITE_READONLY_DIRECTORY')), {
    reason: /cannot be written/,
    fix: new RegExp(`chown -R \\d+ ${dir}`),
  });

  // The data directory: the file named is the one the error names, a file in it that could not be made private.
  const inside = Object.assign(sqliteError('EPERM', 'operation not permitted'), { path: join(dir, 'access.db') });
  t.match(classifyStorageError(dir, 'data-dir', inside), { file: join(dir, 'access.db'), fix: new RegExp(`chown -R \\d+ ${dir}\\b`) });
  writeFileSync(join(dir, 'not-a-dir'), '');
  t.match(classifyStorageError(join(dir, 'not-a-dir'), 'data-dir', Object.assign(sqliteError('EEXIST'), { path: join(dir, 'not-a-dir') })), {
    reason: /^is in the way/,
  });

  mkdirSync(join(dir, 'read-models.db'));
  t.match(classifyStorageError(join(dir, 'read-models.db'), 'read-model', sqliteError('SQLITE_CANTOPEN')), {
    reason: 'is a directory, not a file (SQLITE_CANTOPEN)',
    fix: `move the directory out of ${dir} and start again`,
  });

  t.equal(classifyStorageError(events, 'event-log', new Error('not about a file')), undefined, 'an error without a code is no storage failure');
  t.equal(classifyStorageError(events, 'event-log', sqliteError('ERR_SOMETHING_ELSE')), undefined);
});

t.test('an event log written by a newer engine: refused, with what to run', async (t) => {
  const { dir, remove } = await tempDir('storage-failure-');
  t.teardown(remove);
  const file = join(dir, 'events.db');
  openEventDatabase(file).close();
  const db = new Database(file);
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  t.throws(() => atStart(file, 'event-log', () => openEventDatabase(file)), {
    name: 'StorageFailure',
    message: `${file} was written by a newer engine: schema version ${SCHEMA_VERSION + 1}, this engine reads up to ${SCHEMA_VERSION}: run the engine version that wrote it (or a newer one); to go back to this version, restore the backup taken before the upgrade`,
  });
});

t.test('atStart names the file of a failed step, sync or async, and passes other errors as they are', async (t) => {
  t.throws(
    () =>
      atStart('/data/events.db', 'event-log', () => {
        throw sqliteError('SQLITE_NOTADB');
      }),
    StorageFailure,
  );
  await t.rejects(
    atStart('/data/events.db', 'event-log', async () => {
      throw sqliteError('SQLITE_FULL');
    }),
    { name: 'StorageFailure', file: '/data/events.db' },
  );
  const other = new Error('a ruleset that does not parse');
  t.throws(
    () =>
      atStart('/data/events.db', 'event-log', () => {
        throw other;
      }),
    other,
  );
  t.equal(
    atStart('/data/events.db', 'event-log', () => 42),
    42,
  );
});

t.test("findStorageFailure finds one among an error's causes, one that crossed a thread's boundary too", async (t) => {
  // What a thread's error is on the other side: a plain Error with the same name and own fields.
  const crossed = Object.assign(new Error('/data/read-models.db cannot be written: the disk is full (SQLITE_FULL): free space'), {
    name: 'StorageFailure',
    file: '/data/read-models.db',
    reason: 'cannot be written: the disk is full (SQLITE_FULL)',
    fix: 'free space',
    code: 'SQLITE_FULL',
  });
  const wrapped = new Error('the projection thread failed: …', { cause: crossed });
  t.match(findStorageFailure(wrapped), { file: '/data/read-models.db', fix: 'free space' });
  t.equal(findStorageFailure(new Error('plain')), undefined);
  t.match(classifyStorageError('/elsewhere', 'event-log', wrapped), { file: '/data/read-models.db' }, 'kept as it was named');
});
