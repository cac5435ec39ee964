import { chownSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { chmod, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { openTokenStore } from '../../src/api/auth/tokens.js';
import { complaintBody, repairBody } from '../api/harness.js';
import { buildWorld, complaintBody as complaintPayload, repairBody as repairPayload } from '../projections/harness.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { canRunAs, freePort, linesOf, runScript, serverEnv, startServer, untilExit, type ServerProcess } from './server-process.js';

const ADMIN_TOKEN = 'start-failures-admin-token-0123456789abcdef';

const dataDirFor = async (t: Test) => {
  const dir = await mkdtemp(join(tmpdir(), 'start-failures-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
};

/** Overwrites the first 4 KB of a file in place, as a stray write or a bad copy would. */
const clobberHead = (file: string) => {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 0);
  } finally {
    closeSync(fd);
  }
};

/** A data directory with staff tokens, and a server on it that registered records (each acknowledged 201) and was then stopped. */
const withRecords = async (t: Test) => {
  const dir = await dataDirFor(t);
  const tokens = openTokenStore(join(dir, 'access.db'));
  const frontdesk = tokens.create({ role: 'frontdesk', properties: ['demo'] }).token;
  const manager = tokens.create({ role: 'manager', properties: ['demo'] }).token;
  tokens.close();
  const server = await startServer(dir, { ADMIN_TOKEN });
  t.teardown(() => server.kill());
  const complaints: string[] = [];
  for (let i = 0; i < 3; i++) {
    const created = await server.call('POST', '/v1/complaints', frontdesk, complaintBody({ unit: `3-2-${1201 + i}` }), { 'idempotency-key': `c-${i}` });
    t.equal(created.status, 201, 'a complaint acknowledged');
    complaints.push(created.body.id);
  }
  const repair = await server.call('POST', '/v1/repairs', frontdesk, repairBody(), { 'idempotency-key': 'r-1' });
  t.equal(repair.status, 201, 'a repair acknowledged');
  const report = await server.call('GET', '/v1/compliance?propertyId=demo&period=2026-03', manager);
  t.equal(report.status, 200);
  t.equal(await server.stop(), 0, 'the first server stopped cleanly');
  return { dir, frontdesk, manager, complaints, ids: [...complaints, repair.body.id].sort(), kpis: report.body.kpis };
};

/** A data directory whose event log holds a complaint and a repair, written as the server writes them (no server started). */
const withLog = async (t: Test) => {
  const dir = await dataDirFor(t);
  const store = openSqliteEventStore({ file: join(dir, 'events.db') });
  const world = await buildWorld({ store });
  await world.act('complaint', 'c1', 'receive', complaintPayload);
  await world.act('repair', 'r1', 'report', repairPayload);
  await store.close();
  openTokenStore(join(dir, 'access.db')).close();
  return dir;
};

/** The records the read models list, once the projections have caught up (bounded). */
const listed = async (server: ServerProcess, token: string, expected: number) => {
  const until = Date.now() + 30_000;
  for (;;) {
    const page = await server.call('GET', '/v1/cases?propertyId=demo&limit=50', token);
    const ids = (page.body.items as Array<{ id: string }>).map((item) => item.id).sort();
    if (ids.length >= expected || Date.now() > until) return ids;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** The one line a refused start printed, parsed; fails the test unless there is exactly one, at level fatal. */
const refusal = (t: Test, output: string) => {
  const lines = linesOf(output);
  t.equal(lines.length, 1, `one line, no stack:\n${output}`);
  const line = JSON.parse(lines[0] ?? '{}') as { level?: number; msg?: string; file?: string; fix?: string };
  t.equal(line.level, 60, 'fatal');
  t.match(line.msg, /^cannot start: /);
  return line;
};

t.test('a read model whose first 4 KB are overwritten is set aside at start and rebuilt; reports answer as before', async (t) => {
  const { dir, frontdesk, manager, complaints, ids, kpis } = await withRecords(t);
  const readModels = join(dir, 'read-models.db');
  clobberHead(readModels);
  const clobbered = readFileSync(readModels);

  const server = await startServer(dir, { ADMIN_TOKEN, CLOCK_START: '2026-03-02T01:01:00Z' });
  t.teardown(() => server.kill());
  const aside = readdirSync(dir).filter((name) => name.startsWith('read-models.db.corrupt-') && !/-(wal|shm|journal)$/.test(name));
  t.equal(aside.length, 1, 'the damaged file is set aside');
  t.match(aside[0], /^read-models\.db\.corrupt-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/);
  t.same(readFileSync(join(dir, aside[0]!)), clobbered, 'kept as it was, for inspection');
  t.match(
    server.output(),
    new RegExp(
      `"msg":"${readModels.replace(/[.]/g, '\\.')} is not a SQLite database \\(SQLITE_NOTADB: no SQLite header\\): set aside as ${join(dir, aside[0]!)}`,
    ),
  );

  const report = await server.call('GET', '/v1/compliance?propertyId=demo&period=2026-03', manager);
  t.equal(report.status, 200);
  t.same(report.body.kpis, kpis, 'the compliance report is what it was before');
  t.same(await listed(server, manager, ids.length), ids, 'every acknowledged record is listed again');
  for (const id of complaints) {
    const events = await server.call('GET', `/v1/complaints/${id}/events`, manager);
    t.equal(events.status, 200);
    t.equal(events.body.events.length, 1, `complaint ${id} keeps its event`);
  }
  const more = await server.call('POST', '/v1/complaints', frontdesk, complaintBody({ unit: '9-9-909' }));
  t.equal(more.status, 201, 'and takes new records');
  t.equal(await server.stop(), 0);
});

t.test('an event log that is not a database: exit 1, one line naming it, the file untouched', async (t) => {
  const dir = await withLog(t);
  const events = join(dir, 'events.db');
  clobberHead(events);
  const before = readFileSync(events);

  const { code, output } = await untilExit(runScript(['src/main.ts'], serverEnv(dir, await freePort(), { ADMIN_TOKEN })));
  t.equal(code, 1);
  const line = refusal(t, output);
  t.equal(line.file, events, 'names the file');
  t.match(line.msg, `${events} is not a SQLite database (SQLITE_NOTADB)`);
  t.match(line.fix, /never set aside or rebuilt.*restore events\.db from the last backup/);
  t.same(readFileSync(events), before, 'the event log is never rewritten');
  t.notOk(
    readdirSync(dir).some((name) => name.startsWith('events.db.')),
    'nor set aside',
  );
});

t.test('a directory where the event log should be: exit 1, one line naming it and what to do', async (t) => {
  const dir = await dataDirFor(t);
  mkdirSync(join(dir, 'events.db'));
  const { code, output } = await untilExit(runScript(['src/main.ts'], serverEnv(dir, await freePort(), { ADMIN_TOKEN })));
  t.equal(code, 1);
  const line = refusal(t, output);
  t.equal(line.file, join(dir, 'events.db'));
  t.match(line.msg, /events\.db is a directory, not a file \(SQLITE_CANTOPEN\): move the directory out of/);
});

// chmod stops no root, and the owner's chmod is undone by the server at start (it makes DATA_DIR
// private): the data is made another account's instead, the server run as nobody, which only root can do.
const nobody = { uid: 65534, gid: 65534 };
const needsRoot =
  process.getuid?.() !== 0
    ? 'needs root, to run the server as an account the data does not belong to'
    : !canRunAs(nobody) && 'the account nobody cannot run the engine from this work tree';

t.test('a data directory the server cannot write: exit 1, one line naming the file and the fix', { skip: needsRoot }, async (t) => {
  const dir = await withLog(t);
  // A copy of it, root's, in a directory nobody can enter (a temporary directory is 0700, this one 0755).
  const parent = await mkdtemp(join(tmpdir(), 'start-failures-nobody-'));
  t.teardown(() => rm(parent, { recursive: true, force: true }));
  await chmod(parent, 0o755);
  const data = join(parent, 'data');
  await cp(dir, data, { recursive: true });
  const start = async () => untilExit(runScript(['src/main.ts'], serverEnv(data, await freePort(), { ADMIN_TOKEN }), nobody));

  const whole = await start();
  t.equal(whole.code, 1, 'the directory is root’s');
  const line = refusal(t, whole.output);
  t.equal(line.file, data);
  t.match(line.msg, `${data} cannot be written: it belongs to uid 0, not to uid 65534 that the server runs as`);
  t.match(line.fix, `chown -R 65534 ${data}`);

  // The directory is the server's, but its event log root's (a `sudo npm run rebuild` once, say).
  chownSync(data, nobody.uid, nobody.gid);
  for (const name of readdirSync(data)) if (name !== 'events.db') chownSync(join(data, name), nobody.uid, nobody.gid);
  const file = await start();
  t.equal(file.code, 1, 'a file is root’s');
  const named = refusal(t, file.output);
  t.equal(named.file, join(data, 'events.db'));
  t.match(named.msg, /events\.db cannot be written: it belongs to uid 0, not to uid 65534/);
  t.ok(existsSync(join(data, 'events.db')), 'nothing was moved');
});
