import { performance } from 'node:perf_hooks';
import { threadId as requestThread, Worker } from 'node:worker_threads';
import t from 'tap';
import { heavyThreads } from '../../src/api/heavy/threads.js';
import { onRequestThread } from '../../src/api/heavy/work.js';
import { buildHarness, createCase, drive, openSqliteIn, owner, sampleRuleset, tempDir, type Harness } from './harness.js';

/** Polls (bounded) until `ready` holds: the pool's state moves as messages arrive, not on a clock. */
const until = async (ready: () => boolean, what: string) => {
  for (let i = 0; i < 2_000 && !ready(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!ready()) throw new Error(`timed out waiting until ${what}`);
};

/** A stand-in thread that holds every job until told to release them, answering with its thread id. */
const holdingThread = () =>
  new Worker(
    `const { parentPort, threadId } = require('node:worker_threads');
     const held = [];
     parentPort.on('message', (m) => {
       if (m.op === 'job') held.push(m.id);
       if (m.op === 'release') for (const id of held.splice(0)) parentPort.postMessage({ op: 'done', id, ok: true, value: { ranOn: threadId } });
     });`,
    { eval: true },
  );

const row = (caseRef: string, action: string, occurredAt: string, fields: Record<string, unknown> = {}) =>
  JSON.stringify({ caseRef, caseType: 'complaint', action, occurredAt, actor: 'li.na', role: 'frontdesk', fields });
const complaint = { propertyId: 'demo', unit: '1-1-101', category: 'noise', description: '历史投诉', channel: 'phone', owner };
const jsonl = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, i) =>
    [row(`${prefix}-${i}`, 'receive', '2026-02-10T01:00:00Z', complaint), row(`${prefix}-${i}`, 'acknowledge', '2026-02-10T04:30:00Z')].join('\n'),
  ).join('\n');
const importJsonl = (h: Harness, body: string, query = '') =>
  h.inject('POST', `/v1/admin/import${query}`, { as: 'admin', raw: body, headers: { 'content-type': 'application/x-ndjson' } });

/**
 * A server on a store in `dir` whose heavy jobs run on two real threads or, once `runOn('here')`
 * is called, on the request thread: the same jobs compared both ways.
 */
const threadsOrHere = async (dir: string) => {
  const ruleset = await sampleRuleset();
  let where: 'threads' | 'here' = 'threads';
  let threads: ReturnType<typeof heavyThreads> | undefined;
  const h = await buildHarness({
    store: openSqliteIn(dir),
    heavyWork: ({ store, clock, rulesets }) => {
      const pool = heavyThreads({
        threads: 2,
        queue: 8,
        heapMb: 256,
        data: { dataDir: dir, rulesetFiles: ruleset.files, readModels: false, manualClock: true },
        store,
        clock,
      });
      threads = pool;
      const here = onRequestThread({ store, rulesets, clock });
      return { run: (job, input) => (where === 'threads' ? pool : here).run(job, input), close: () => pool.close() };
    },
  });
  return {
    h,
    ruleset,
    runOn: (place: 'threads' | 'here') => void (where = place),
    threadIds: () => threads!.stats().threadIds,
  };
};

t.test('all threads busy and the queue full: 503 problem with Retry-After, an import is not queued, and the request thread answers meanwhile', async (t) => {
  const spawned: Worker[] = [];
  let pool: ReturnType<typeof heavyThreads> | undefined;
  const h = await buildHarness({
    heavyWork: ({ store, clock }) =>
      (pool = heavyThreads({
        threads: 1,
        queue: 1,
        heapMb: 64,
        data: { dataDir: '/nonexistent', rulesetFiles: {}, readModels: false, manualClock: true },
        store,
        clock,
        spawn: () => {
          const worker = holdingThread();
          spawned.push(worker);
          return worker;
        },
      })),
  });
  t.teardown(h.close);
  const verify = () => h.inject('GET', '/v1/audit/verify?propertyId=demo', { as: 'auditor' });
  let answered = 0;
  const counted = (response: Awaited<ReturnType<typeof verify>>) => {
    answered++;
    return response;
  };
  const running = verify().then(counted);
  const waiting = verify().then(counted);
  await until(() => pool!.stats().running === 1 && pool!.stats().queued === 1, 'one job runs and one waits');

  const metrics = (await h.inject('GET', '/metrics', { as: 'adminAll' })).body;
  t.match(metrics, /wuye_heavy_jobs\{state="running"\} 1\n/);
  t.match(metrics, /wuye_heavy_jobs\{state="queued"\} 1\n/);

  const refused = await verify();
  t.equal(refused.statusCode, 503);
  t.equal(refused.headers['retry-after'], '5');
  t.match(refused.headers['content-type'], /^application\/problem\+json/);
  t.match(refused.json(), { code: 'HEAVY_WORK_BUSY', retryAfterSeconds: 5, running: 1, queued: 1 });

  const before = await h.eventCount();
  const importRefused = await importJsonl(h, jsonl(1, 'BUSY'));
  t.match({ status: importRefused.statusCode, code: importRefused.json().code }, { status: 503, code: 'HEAVY_WORK_BUSY' }, 'an import waits for no thread');
  t.equal(await h.eventCount(), before, 'a refused import writes nothing');

  const probe = await h.inject('GET', '/healthz', { as: 'none' });
  t.equal(probe.statusCode, 200, 'the request thread answers while the heavy jobs are held');
  t.equal(answered, 0, 'both heavy requests were still waiting');

  spawned[0]!.postMessage({ op: 'release' });
  await until(() => pool!.stats().queued === 0 && pool!.stats().running === 1, 'the waiting job runs');
  spawned[0]!.postMessage({ op: 'release' });
  for (const response of [await running, await waiting]) {
    t.equal(response.statusCode, 200);
    t.equal(response.json().ranOn, spawned[0]!.threadId, 'answered by the thread');
  }
  t.not(spawned[0]!.threadId, requestThread);
  t.equal(spawned.length, 1, 'one thread, kept for the next job');
});

t.test('a job that runs its thread out of memory is answered 507 and the next job takes a new thread; closing answers a waiting job 503', async (t) => {
  const spawned: Worker[] = [];
  const h = await buildHarness({
    heavyWork: ({ store, clock }) =>
      heavyThreads({
        threads: 1,
        queue: 1,
        heapMb: 16,
        data: { dataDir: '/nonexistent', rulesetFiles: {}, readModels: false, manualClock: true },
        store,
        clock,
        spawn: (_data, heapMb) => {
          // The first thread fills its heap with the first job it is given; the next holds its jobs.
          const worker =
            spawned.length === 0
              ? new Worker(
                  `const kept = []; require('node:worker_threads').parentPort.on('message', () => { for (;;) kept.push({ filler: new Array(1000).fill(kept.length) }); });`,
                  { eval: true, resourceLimits: { maxOldGenerationSizeMb: heapMb } },
                )
              : holdingThread();
          spawned.push(worker);
          return worker;
        },
      }),
  });
  t.teardown(h.close);
  const verify = () => h.inject('GET', '/v1/audit/verify?propertyId=demo', { as: 'auditor' });
  const outOfMemory = await verify();
  t.equal(outOfMemory.statusCode, 507);
  t.match(outOfMemory.json(), { code: 'HEAVY_WORK_OUT_OF_MEMORY', heapMb: 16, detail: /HEAVY_THREAD_HEAP_MB=16/ });
  const waiting = verify();
  await until(() => spawned.length === 2, 'a new thread is started');
  t.equal((await h.inject('GET', '/healthz', { as: 'none' })).statusCode, 200, 'the server went on');
  await h.app.close();
  const closed = await waiting;
  t.match({ status: closed.statusCode, code: closed.json().code }, { status: 503, code: 'SHUTTING_DOWN' }, 'a job still running when the server closes');
  t.ok(closed.headers['retry-after']);
});

t.test('on threads, every heavy route answers exactly as on the request thread; an import appends through the server once', async (t) => {
  const { dir, remove } = await tempDir('heavy-threads-');
  t.teardown(remove);
  const { h, ruleset, runOn, threadIds } = await threadsOrHere(dir);
  t.teardown(h.close);

  const imported = await importJsonl(h, jsonl(20, 'OLD'));
  t.equal(imported.statusCode, 200, imported.body.slice(0, 300));
  t.match(imported.json(), { cases: { imported: 20, rejected: 0 }, eventsWritten: 40 }, 'imported on a thread, appended by the server');
  const complaintId = await createCase(h, 'complaint');
  await drive(h, 'complaint', complaintId, ['acknowledge', 'assign']);
  const repairId = await createCase(h, 'repair');
  await drive(h, 'repair', repairId, ['dispatch']);
  h.clock.set(h.clock.now().add({ hours: 30 }));
  const anchor = (await h.inject('GET', '/v1/audit/anchor', { as: 'adminAll' })).json();
  const events = await h.eventCount();

  const relaxed = structuredClone(ruleset.files) as Record<string, { policies?: Array<{ id: string; duration: unknown }> }>;
  relaxed['sla.yaml']!.policies!.find((p) => p.id === 'complaint.response')!.duration = { kind: 'elapsed', hours: 3 };
  const requests: Array<[string, () => ReturnType<Harness['inject']>]> = [
    ['audit compliance', () => h.inject('GET', '/v1/audit/compliance?propertyId=demo&period=2026-02&asOf=2026-02-28T00:00:00Z', { as: 'auditor' })],
    ['what-if', () => h.inject('POST', '/v1/audit/what-if', { as: 'auditor', body: { propertyId: 'demo', period: '2026-02', rules: { files: relaxed } } })],
    [
      'what-if, rules invalid',
      () => h.inject('POST', '/v1/audit/what-if', { as: 'auditor', body: { propertyId: 'demo', period: '2026-02', rules: { files: {} } } }),
    ],
    ['verify', () => h.inject('GET', '/v1/audit/verify?propertyId=demo', { as: 'auditor' })],
    ['backdating', () => h.inject('GET', '/v1/audit/backdating?propertyId=demo&thresholdMinutes=60', { as: 'auditor' })],
    ['anchor', () => h.inject('GET', '/v1/audit/anchor', { as: 'adminAll' })],
    ['anchor check', () => h.inject('POST', '/v1/audit/anchor/check', { as: 'adminAll', body: anchor })],
    ['compliance as of', () => h.inject('GET', '/v1/compliance?propertyId=demo&period=2026-03&asOf=2026-03-02T02:00:00Z', { as: 'manager' })],
    ['import, dry run', () => importJsonl(h, jsonl(3, 'DRY'), '?dryRun=true')],
    ['import, CSV without its header', () => h.inject('POST', '/v1/admin/import', { as: 'admin', raw: 'a,b\n1,2\n', headers: { 'content-type': 'text/csv' } })],
    [
      'import, not a JSON array',
      () => h.inject('POST', '/v1/admin/import', { as: 'admin', raw: '{"caseRef":1}', headers: { 'content-type': 'application/json' } }),
    ],
  ];
  for (const [what, request] of requests) {
    runOn('threads');
    const onThreads = await request();
    runOn('here');
    const onRequest = await request();
    t.same({ status: onThreads.statusCode, body: onThreads.json() }, { status: onRequest.statusCode, body: onRequest.json() }, what);
    t.ok(onThreads.statusCode < 500, `${what}: ${onThreads.statusCode} ${onThreads.body.slice(0, 200)}`);
  }
  t.equal(await h.eventCount(), events, 'the reports and the dry runs wrote nothing');

  runOn('threads');
  const again = (await importJsonl(h, jsonl(20, 'OLD'))).json();
  t.match(again, { cases: { imported: 0, unchanged: 20 }, eventsWritten: 0 }, 'the same import again, on a thread, writes nothing twice');
  t.equal(await h.eventCount(), events);
  const ids = threadIds();
  t.ok(ids.length >= 1 && !ids.includes(requestThread), `the jobs ran on threads ${ids.join(', ')}, not on the request thread (${requestThread})`);
});

t.test("while heavy audits run on their threads, the request thread's event loop stays free; on the request thread it would not", async (t) => {
  const { dir, remove } = await tempDir('heavy-probe-');
  t.teardown(remove);
  const { h, runOn } = await threadsOrHere(dir);
  t.teardown(h.close);
  t.equal((await importJsonl(h, jsonl(300, 'BULK'))).json().eventsWritten, 600);
  const verify = () => h.inject('GET', '/v1/audit/verify?propertyId=demo', { as: 'auditor' });
  /**
   * The share of the time four audits took that the request thread's event loop spent running
   * code rather than waiting for something to do: a measure the machine's other load does not move
   * much (a thread made to wait by the scheduler while it waits for events still counts as waiting).
   */
  const busyShare = async () => {
    const start = performance.eventLoopUtilization();
    const reports = await Promise.all([verify(), verify(), verify(), verify()]);
    const { utilization, active, idle } = performance.eventLoopUtilization(start);
    t.same(
      reports.map((r) => [r.statusCode, r.json().streamsChecked]),
      Array(4).fill([200, 300]),
    );
    t.comment(`busy ${active.toFixed(0)} ms, waiting ${idle.toFixed(0)} ms`);
    return utilization;
  };
  // Both threads started and warm: what follows measures the reports, not a thread's start.
  await Promise.all([verify(), verify()]);
  const onThreads = await busyShare();
  runOn('here');
  const onRequest = await busyShare();
  const shown = `the request thread's event loop was busy ${(onThreads * 100).toFixed(0)} % of the time with the audits on threads, ${(onRequest * 100).toFixed(0)} % with them on it`;
  t.ok(onThreads < 0.5 && onThreads < onRequest / 2, shown);
});
