import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { checkAnchor, takeAnchor, type LogAnchor } from '../../src/audit/anchor.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { buildHarness, createCase, drive, openSqliteIn, tempDir } from '../api/harness.js';

const ROOT = new URL('../..', import.meta.url).pathname;

/** A SQLite log with three driven complaints, anchored; `edit` then tampers with a copy of the file. */
const anchoredLog = async (t: Test) => {
  const tmp = await tempDir('audit-anchor-');
  t.teardown(() => tmp.remove());
  // Complaints alone: the anchor counts every stream of the log.
  const h = await buildHarness({ store: openSqliteIn(tmp.dir), technicians: false });
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    ids.push(await createCase(h, 'complaint'));
    await drive(h, 'complaint', ids.at(-1)!, ['acknowledge', 'assign', 'resolve']);
  }
  await h.close();
  const file = join(tmp.dir, 'events.db');
  const store = openSqliteEventStore({ file });
  const anchor = await takeAnchor(store, '2026-03-02T08:00:00Z');
  await store.close();
  const check = async (edit: (db: Database.Database) => void) => {
    const db = new Database(file);
    db.transaction(() => edit(db))();
    db.close();
    const reopened = openSqliteEventStore({ file });
    try {
      return await checkAnchor(reopened, anchor);
    } finally {
      await reopened.close();
    }
  };
  return { dir: tmp.dir, file, anchor, ids, check, stream: (i: number) => `complaint-${ids[i]}` };
};

t.test('an anchor covers the whole log; the log may grow after it, not change before it', async (t) => {
  const log = await anchoredLog(t);
  t.match(log.anchor, { format: 'event-log-anchor/1', takenAt: '2026-03-02T08:00:00Z', streams: 5, digest: /^sha256:[0-9a-f]{64}$/ });
  t.ok(log.anchor.events >= 16, "the ruleset, 3 × 4 case events and the day's 3 complaint numbers (a stream of their own)");
  t.match(await log.check(() => undefined), { intact: true, findings: [], eventsAfter: 0, now: { events: log.anchor.events, digest: log.anchor.digest } });

  // Growth after the anchor is no finding.
  const store = openSqliteEventStore({ file: log.file });
  await store.appendToStream('complaint-later', [{ id: '00000000-0000-4000-8000-000000000001', type: 'Note', data: {}, metadata: {} }], {
    expectedRevision: 'no_stream',
  });
  await store.close();
  t.match(await log.check(() => undefined), { intact: true, eventsAfter: 1 });
});

t.test('cut-off ends, whole streams, edits with recomputed hashes: what a hash chain cannot see, an anchor does', async (t) => {
  const lastOf = (db: Database.Database, stream: string) =>
    db.prepare('SELECT max(revision) FROM events WHERE stream_id = (SELECT id FROM streams WHERE name = ?)').pluck().get(stream);
  {
    const log = await anchoredLog(t);
    const checked = await log.check((db) =>
      db.prepare('DELETE FROM events WHERE stream_id = (SELECT id FROM streams WHERE name = ?) AND revision = ?').run(log.stream(0), lastOf(db, log.stream(0))),
    );
    t.match(checked, { intact: false, findings: [{ finding: 'events_missing', detail: /1 event\(s\) fewer/ }] }, "a case's last event deleted");
  }
  {
    const log = await anchoredLog(t);
    const checked = await log.check((db) => db.prepare('DELETE FROM events WHERE stream_id = (SELECT id FROM streams WHERE name = ?)').run(log.stream(1)));
    t.match(checked, { intact: false, findings: [{ finding: 'events_missing', detail: /4 event\(s\) fewer/ }], now: { streams: 4 } }, 'a whole case deleted');
  }
  {
    const log = await anchoredLog(t);
    const checked = await log.check((db) => db.prepare('DELETE FROM events WHERE position = (SELECT max(position) FROM events)').run());
    t.match(
      checked.findings.map((f) => f.finding),
      ['head_missing', 'events_missing'],
      'the end of the log cut off',
    );
  }
  {
    const log = await anchoredLog(t);
    // Someone able to rewrite the file rewrites a description and the event's stored hash alike.
    const checked = await log.check((db) =>
      db
        .prepare(
          "UPDATE events SET data = json_set(data, '$.description', '已篡改'), metadata = json_set(metadata, '$.integrity.hash', 'sha256:00') WHERE stream_id = (SELECT id FROM streams WHERE name = ?) AND revision = 0",
        )
        .run(log.stream(2)),
    );
    t.match(checked, { intact: false, findings: [{ finding: 'content_changed' }] }, 'an edit, hashes and all');
  }
});

t.test('npm run audit -- anchor, then verify --anchor: exit codes and messages', async (t) => {
  const log = await anchoredLog(t);
  const audit = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/audit.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: log.dir, EVENTSTORE_CONNECTION_STRING: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
    });
  const taken = await audit(['anchor']);
  t.equal(taken.code, 0, taken.stderr);
  const anchor = JSON.parse(taken.stdout) as LogAnchor;
  t.match(anchor, { format: 'event-log-anchor/1', digest: log.anchor.digest, events: log.anchor.events });
  const anchorFile = join(log.dir, 'anchor.json');
  await writeFile(anchorFile, taken.stdout);

  const intact = await audit(['verify', '--anchor', anchorFile]);
  t.equal(intact.code, 0, intact.stderr);
  t.match(
    intact.stdout,
    /every hash chain is intact\nlog end: the log holds its anchored end, position \d+\nanchor taken .* the log up to it is unchanged; 0 event\(s\) recorded since/,
  );

  const db = new Database(log.file);
  db.prepare('DELETE FROM events WHERE stream_id = (SELECT id FROM streams WHERE name = ?)').run(log.stream(0));
  db.close();
  const broken = await audit(['verify', '--anchor', anchorFile, '--json']);
  t.equal(broken.code, 1, 'a finding: exit 1');
  t.match(
    JSON.parse(broken.stdout),
    { intact: false, broken: [], logEnd: { status: 'lost' }, anchorCheck: { intact: false, findings: [{ finding: 'events_missing' }] } },
    'the remaining chains are intact; the anchor, and the log-end anchor the store keeps, see the loss',
  );

  await writeFile(anchorFile, JSON.stringify({ ...anchor, digest: 'md5:abc' }));
  const bad = await audit(['verify', '--anchor', anchorFile]);
  t.equal(bad.code, 2, 'a file that is not an anchor is bad input');
  t.match(bad.stderr, /--anchor .*anchor\.json: not a log anchor: digest: sha256:<64 hex digits>/);
  const missing = await audit(['verify', '--anchor', join(log.dir, 'nope.json')]);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /--anchor .*nope\.json: ENOENT/);
});

t.test('GET /v1/audit/anchor and POST /v1/audit/anchor/check: the same anchor over HTTP, for tokens of every property', async (t) => {
  const tmp = await tempDir('audit-anchor-api-');
  // Complaints alone: the anchor counts every stream of the log.
  const h = await buildHarness({ store: openSqliteIn(tmp.dir), technicians: false });
  t.teardown(async () => {
    await h.close();
    await tmp.remove();
  });
  const id = await createCase(h, 'complaint');
  await drive(h, 'complaint', id, ['acknowledge']);
  const taken = await h.inject('GET', '/v1/audit/anchor', { as: 'adminAll' });
  t.equal(taken.statusCode, 200);
  const anchor = taken.json() as LogAnchor;
  t.match(anchor, { format: 'event-log-anchor/1', streams: 3, digest: /^sha256:/ });

  await drive(h, 'complaint', id, ['assign']);
  const check = async (body: unknown) => h.inject('POST', '/v1/audit/anchor/check', { as: 'adminAll', body });
  t.match((await check(anchor)).json(), { intact: true, eventsAfter: 1, findings: [] }, 'grown since, unchanged before');
  t.match(
    (await check({ ...anchor, events: anchor.events + 1 })).json(),
    { intact: false, findings: [{ finding: 'events_missing' }] },
    'an anchor that counted more',
  );
  const bad = await check({ ...anchor, digest: 'nope' });
  t.equal(bad.statusCode, 400);
  t.match(bad.body, /digest/);

  for (const as of ['auditor', 'admin'] as const) {
    const scoped = await h.inject('GET', '/v1/audit/anchor', { as });
    t.equal(scoped.statusCode, 403, `${as} of one property`);
    t.match(scoped.json(), { detail: /use a token for all properties/ });
  }
  t.equal((await h.inject('GET', '/v1/audit/anchor', { as: 'manager' })).statusCode, 403);
  t.equal((await h.inject('GET', '/v1/audit/anchor', { as: 'none' })).statusCode, 401);
});
