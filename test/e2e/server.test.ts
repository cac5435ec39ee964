import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { technicianFields } from '../staff-fixture.js';
import t from 'tap';
import { openTokenStore } from '../../src/api/auth/tokens.js';
import { ownerData } from '../owner-data.js';
import { freePort } from '../app/server-process.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
const START = '2026-03-02T01:00:00Z';

interface Server {
  readonly base: string;
  readonly output: () => string;
  /** SIGTERM, and the exit code. */
  readonly stop: () => Promise<number | null>;
}

/** Starts src/main.ts as a real process and waits (bounded) until /readyz answers 200. */
const startServer = async (dataDir: string, clockStart: string): Promise<Server> => {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      CLOCK: 'manual',
      CLOCK_START: clockStart,
      ADMIN_TOKEN,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      EVENTSTORE_CONNECTION_STRING: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${base}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server was not ready within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    base,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      const timeout = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timeout);
      return code;
    },
  };
};

const client =
  (server: Server) =>
  async (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
  };

t.test('the real server: both lifecycles over HTTP, SIGTERM, restart, everything still there', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'e2e-server-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));

  // Staff tokens are issued into the server's access database before it starts (as `npm run token` does).
  const tokens = openTokenStore(join(dataDir, 'access.db'));
  const frontdesk = tokens.create({ role: 'frontdesk', properties: ['demo'] }).token;
  const dispatcher = tokens.create({ role: 'dispatcher', properties: ['demo'] }).token;
  // Issued to tech-9, the technician the repair below is dispatched to: a technician acts only on their own jobs.
  const technician = tokens.create({ role: 'technician', properties: ['demo'], personId: 'tech-9' }).token;
  const auditor = tokens.create({ role: 'auditor', properties: ['demo'] }).token;
  tokens.close();

  const first = await startServer(dataDir, START);
  let running: Server | undefined = first;
  t.teardown(async () => {
    if (running) await running.stop();
  });
  const call = client(first);
  const ok = async (method: string, path: string, token: string, body?: unknown, expected = 200) => {
    const response = await call(method, path, token, body);
    t.equal(response.status, expected, `${method} ${path}: ${response.status === expected ? '' : response.text}`);
    return response.json();
  };
  const moveClock = (now: string) => ok('PUT', '/v1/admin/clock', ADMIN_TOKEN, { now });

  t.equal((await call('GET', '/healthz', '')).status, 200);
  t.equal((await call('POST', '/v1/complaints', 'nope', {})).status, 401);
  const owner = { name: '赵敏', phone: '13800000001' };

  const complaint = (
    await ok(
      'POST',
      '/v1/complaints',
      frontdesk,
      { propertyId: 'demo', unit: '5-1-302', category: 'noise', description: '夜间噪音', channel: 'phone', owner },
      201,
    )
  ).id;
  const repairCreated = await call(
    'POST',
    '/v1/repairs',
    frontdesk,
    { propertyId: 'demo', location: '5-1-302', category: 'plumbing', complexity: 'general', description: '漏水', owner },
    { 'idempotency-key': 'e2e-repair-1' },
  );
  t.equal(repairCreated.status, 201);
  t.equal(repairCreated.headers.get('location'), `/v1/repairs/${repairCreated.json().id}`);
  const repair = repairCreated.json().id as string;

  // 40 minutes pass: the repair missed its 30-minute response; the complaint's 2 hours still run.
  await moveClock('2026-03-02T01:40:00Z');
  t.match(
    (await ok('GET', `/v1/repairs/${repair}`, auditor)).clocks.find((c: { clock: string }) => c.clock === 'response'),
    { status: 'missed' },
  );
  t.match(
    (await ok('GET', `/v1/complaints/${complaint}`, auditor)).clocks.find((c: { clock: string }) => c.clock === 'response'),
    { status: 'running' },
  );
  // The deadline watcher records the repair's missed response on its own, once (bounded wait).
  const missed = async () =>
    ((await ok('GET', `/v1/repairs/${repair}/events`, auditor)).events as Array<{ type: string; data: unknown }>).filter(
      (e) => e.type === 'RepairDeadlineMissed',
    );
  const waitUntil = Date.now() + 10_000;
  while ((await missed()).length === 0 && Date.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 50));
  t.match(await missed(), [{ data: { clock: 'response', policyId: 'repair.response', deadline: '2026-03-02T01:30:00Z' } }], 'the watcher recorded the miss');

  await ok('POST', `/v1/complaints/${complaint}/acknowledge`, frontdesk, {});
  await ok('POST', `/v1/complaints/${complaint}/escalate`, frontdesk, { reason: '业主多次来电' });
  await ok('POST', `/v1/complaints/${complaint}/assign`, dispatcher, { department: 'security' });
  // The technician is in the staff directory, added by the administrator.
  await ok('POST', '/v1/admin/staff', ADMIN_TOKEN, { id: 'tech-9', ...technicianFields('tech-9') }, 201);
  await ok('POST', `/v1/repairs/${repair}/dispatch`, dispatcher, { technicianId: 'tech-9' });
  await ok('POST', `/v1/repairs/${repair}/accept`, technician, {});
  await ok('POST', `/v1/repairs/${repair}/arrive`, technician, {});
  await ok('POST', `/v1/repairs/${repair}/pause`, technician, { reason: 'awaiting_parts' });
  await moveClock('2026-03-02T06:00:00Z');
  await ok('POST', `/v1/repairs/${repair}/resume`, technician, {});
  await ok('POST', `/v1/repairs/${repair}/complete`, technician, { workDone: '更换阀门' });
  await ok('POST', `/v1/complaints/${complaint}/resolve`, frontdesk, { resolution: '已约谈施工方' });
  await moveClock('2026-03-03T02:00:00Z');
  await ok('POST', `/v1/repairs/${repair}/verify`, frontdesk, { accepted: true });
  await ok('POST', `/v1/repairs/${repair}/callback`, frontdesk, { satisfaction: 'satisfied' });
  await ok('POST', `/v1/complaints/${complaint}/notify-owner`, frontdesk, {});
  await ok('POST', `/v1/complaints/${complaint}/callback`, frontdesk, { satisfaction: 'very_satisfied' });
  const lastNow = '2026-03-03T03:00:00Z';
  await moveClock(lastNow);
  const closedComplaint = await ok('POST', `/v1/complaints/${complaint}/close`, frontdesk, {});
  const closedRepair = await ok('POST', `/v1/repairs/${repair}/close`, frontdesk, {});
  t.same(closedComplaint, { id: complaint, revision: 7, state: 'closed' });
  t.same(closedRepair, { id: repair, revision: 10, state: 'closed' });
  t.equal((await call('PUT', '/v1/admin/clock', ADMIN_TOKEN, { now: START })).status, 409, 'the clock does not go back');

  const snapshot = async (c: typeof call) => {
    const read = async (path: string) => {
      const response = await c('GET', path, auditor);
      t.equal(response.status, 200, path);
      return { etag: response.headers.get('etag'), body: response.json() };
    };
    return Promise.all(
      [`/v1/complaints/${complaint}`, `/v1/complaints/${complaint}/events`, `/v1/repairs/${repair}`, `/v1/repairs/${repair}/events`].map(read),
    );
  };
  const before = await snapshot(call);
  t.match(before[0]!.body, { state: 'closed', revision: 7, allowedActions: [] });
  t.equal(before[1]!.body.events.length, 8);
  t.equal(before[3]!.body.events.length, 11);
  t.equal((await missed()).length, 1, 'and only once');
  t.match(
    before[2]!.body.clocks.find((c: { clock: string }) => c.clock === 'completion'),
    { status: 'met', pauses: [{ reason: 'awaiting_parts', end: '2026-03-02T06:00:00Z' }] },
  );

  t.equal(await first.stop(), 0, 'SIGTERM: clean exit');
  running = undefined;
  t.match(first.output(), /stopped cleanly/);
  t.notMatch(first.output(), ownerData('赵敏', '13800000001'), 'no owner data in the server log');
  t.equal(statSync(dataDir).mode & 0o777, 0o700, 'DATA_DIR is private to the server');
  for (const file of readdirSync(dataDir)) t.equal(statSync(join(dataDir, file)).mode & 0o777, 0o600, `${file} is 0600`);

  // Same DATA_DIR, the clock started where the first run left it: every view and event is as it was.
  const second = await startServer(dataDir, lastNow);
  running = second;
  const callAgain = client(second);
  t.same(await snapshot(callAgain), before, 'states, revisions, clocks and events survived the restart');
  const retried = await callAgain(
    'POST',
    '/v1/repairs',
    frontdesk,
    { propertyId: 'demo', location: '5-1-302', category: 'plumbing', complexity: 'general', description: '漏水', owner },
    { 'idempotency-key': 'e2e-repair-1' },
  );
  t.equal(retried.status, 201);
  t.equal(retried.text, repairCreated.text, 'a retried create after the restart gets its original answer');
  t.equal((await callAgain('GET', `/v1/repairs/${repair}/events`, auditor)).json().events.length, 11, 'and writes nothing');
  t.equal(await second.stop(), 0);
  running = undefined;
});

t.test('the real server: a visit, a fee bill and payment, an activity, an archive check and a spot check reach the compliance report', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'e2e-records-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const tokens = openTokenStore(join(dataDir, 'access.db'));
  const frontdesk = tokens.create({ role: 'frontdesk', properties: ['demo'] }).token;
  const finance = tokens.create({ role: 'finance', properties: ['demo'] }).token;
  const inspector = tokens.create({ role: 'inspector', properties: ['demo'] }).token;
  const manager = tokens.create({ role: 'manager', properties: ['demo'] }).token;
  tokens.close();

  const server = await startServer(dataDir, START);
  t.teardown(() => server.stop());
  const call = client(server);
  const ok = async (method: string, path: string, token: string, body?: unknown, expected = 200) => {
    const response = await call(method, path, token, body);
    t.equal(response.status, expected, `${method} ${path}: ${response.status === expected ? '' : response.text}`);
    return response.json();
  };
  const visitor = { name: '钱女士', phone: '13800000002' };
  const visit = { propertyId: 'demo', unit: '5-1-302', category: 'inquiry', description: '咨询停车位', channel: 'walk_in', visitor };
  const answered = (await ok('POST', '/v1/visits', frontdesk, visit, 201)).id;
  const unanswered = (await ok('POST', '/v1/visits', frontdesk, visit, 201)).id;
  await ok('PUT', '/v1/admin/clock', ADMIN_TOKEN, { now: '2026-03-02T01:10:00Z' });
  await ok('POST', `/v1/visits/${answered}/answer`, frontdesk, { answer: '已当面答复' });
  const ledger = (
    await ok('POST', '/v1/fees', finance, { propertyId: 'demo', unit: '5-1-302', period: '2026-03', amountFen: 12000, dueDate: '2026-03-25' }, 201)
  ).id;
  await ok('POST', `/v1/fees/${ledger}/pay`, finance, { amountFen: 12000, method: 'wechat' });
  await ok('POST', '/v1/activities', frontdesk, { propertyId: 'demo', title: '邻里节', heldOn: '2026-03-01', participants: 400 }, 201);
  await ok('POST', '/v1/archive-checks', frontdesk, { propertyId: 'demo', unit: '5-1-302', correct: true }, 201);
  const failed = (
    await ok('POST', '/v1/inspections', inspector, { propertyId: 'demo', procedure: 'gate-patrol', passed: false, findings: '交接班记录缺项' }, 201)
  ).id;

  // 40 minutes after receipt: the watcher records the unanswered visit's miss (bounded wait).
  await ok('PUT', '/v1/admin/clock', ADMIN_TOKEN, { now: '2026-03-02T01:40:00Z' });
  const missed = async () =>
    ((await ok('GET', `/v1/visits/${unanswered}/events`, manager)).events as Array<{ type: string }>).filter((e) => e.type === 'VisitDeadlineMissed');
  const waitUntil = Date.now() + 10_000;
  while ((await missed()).length === 0 && Date.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal((await missed()).length, 1, "the watcher recorded the visit's miss");

  const report = await ok('GET', '/v1/compliance?propertyId=demo&period=2026-03', manager);
  const kpi = (id: string) => report.kpis.find((k: { id: string }) => k.id === id);
  t.equal(report.kpis.length, 13, 'all thirteen lines of the demo agreement');
  t.match(kpi('visit.reception_rate'), { numerator: 1, denominator: 2, pending: 0, failingCaseIds: [unanswered] });
  t.match(kpi('fee.collection_rate'), { measure: 'fen', numerator: 12000, denominator: 12000, met: true });
  t.match(kpi('activity.count'), { measure: 'months', numerator: 1, denominator: 1, met: true });
  t.match(kpi('activity.participation'), { measure: 'households', numerator: 400, denominator: 1200, met: true, failingCaseIds: [] });
  t.match(kpi('archive.accuracy'), { measure: 'checks', numerator: 1, denominator: 1, met: true });
  t.match(kpi('inspection.pass_rate'), { measure: 'checks', numerator: 0, denominator: 1, met: false, failingCaseIds: [failed] });

  const csv = await call('GET', '/v1/compliance?propertyId=demo&period=2026-03', manager, undefined, { accept: 'text/csv' });
  t.equal(csv.status, 200);
  t.match(csv.text, /,fee\.collection_rate,0\.95,>=,fen,12000,12000,0,1,true,,\r\n/);
  t.match(csv.text, new RegExp(`,visit\\.reception_rate,.*,${unanswered},LF-\\d{8}-\\d{4}\\r\\n`), 'a failing record by its number too');
  t.notMatch(server.output(), ownerData('钱女士', '13800000002'), 'no visitor data in the server log');
});
