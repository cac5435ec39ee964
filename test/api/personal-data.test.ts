import { join } from 'node:path';
import t, { type Test } from 'tap';
import { Temporal } from 'temporal-polyfill';
import { buildApp } from '../../src/api/app.js';
import { openTokenStore } from '../../src/api/auth/tokens.js';
import { caseService } from '../../src/app/case-service.js';
import { ERASURE_STREAM_PREFIX } from '../../src/app/erasure.js';
import { openStaffDirectory } from '../../src/app/staff-directory.js';
import { reportAsOf } from '../../src/audit/report-as-of.js';
import { verifyLog } from '../../src/audit/verify.js';
import { allProjections, createProjectionRunner, openReadModelDb, phoneDigestKey, readModelFile } from '../../src/projections/index.js';
import { manualClock } from '../../src/runtime/clock.js';
import { openRulesetRegistry } from '../../src/ruleset/registry.js';
import { createMemoryEventStore } from '../../src/store/memory.js';
import { openPersonalData } from '../../src/store/personal/from-config.js';
import { CLOCK_START, complaintBody, issueTokens, repairBody, sampleRuleset, tempDir } from './harness.js';

const MASTER_KEY = 'a1'.repeat(32);
const her = { name: '欧阳秘密测试', phone: '+86 139-7531-8642' };
const other = { name: '钱另一位测试', phone: '13600000000' };

/** The app as main.ts wires it: the log read and written through the personal-data keys, the projections on the same store. */
const build = async (t: Test) => {
  const { dir, remove } = await tempDir('personal-data-');
  const log = createMemoryEventStore();
  const personal = openPersonalData({ DATA_DIR: dir, MASTER_KEY });
  const store = personal.open(log);
  const rulesets = await openRulesetRegistry(store, await sampleRuleset());
  const tokens = openTokenStore(':memory:');
  const secrets = issueTokens(tokens);
  const clock = manualClock(Temporal.Instant.from(CLOCK_START));
  const db = openReadModelDb(readModelFile(dir));
  const phoneKey = phoneDigestKey({ DATA_DIR: dir });
  const runner = createProjectionRunner({ store, db, projections: allProjections(undefined, { phoneKey }), rulesets, clock });
  await runner.start();
  const staff = await openStaffDirectory({ store, clock });
  const app = await buildApp({ store, rulesets, tokens, staff, clock, manualClock: clock, readModels: db, phoneDigestKey: phoneKey, projections: runner });
  t.teardown(async () => {
    await app.close();
    await runner.stop();
    db.close();
    await store.close();
    tokens.close();
    personal.keys.close();
    await remove();
  });
  const inject = async (method: 'GET' | 'POST', url: string, as: keyof typeof secrets, body?: unknown) => {
    const response = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${secrets[as]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { payload: JSON.stringify(body) } : {}),
    });
    return { status: response.statusCode, body: response.body ? response.json() : undefined };
  };
  const create = async (collection: string, body: unknown) => {
    const response = await inject('POST', `/v1/${collection}`, 'frontdesk', body);
    if (response.status !== 201) throw new Error(JSON.stringify(response.body));
    return response.body.id as string;
  };
  return { dir, log, store, rulesets, clock, runner, inject, create, personal, app, secrets };
};

t.test('names and phones are stored sealed, read opened, found by phone; the chain covers the sealed form', async (t) => {
  const { log, store, runner, inject, create, app, secrets } = await build(t);
  const complaint = await create('complaints', complaintBody({ owner: her }));
  const repair = await create('repairs', repairBody({ owner: { ...her, phone: '13975318642' } }));
  const visit = await create('visits', { propertyId: 'demo', unit: '1-1-101', category: 'inquiry', description: '咨询', visitor: her });

  const stored = JSON.stringify(await log.readAll(), (_, v) => (typeof v === 'bigint' ? String(v) : v));
  for (const secret of [her.name, '13975318642', '139-7531-8642', '7531']) t.notOk(stored.includes(secret), `the log holds no ${secret}`);
  const [received] = await log.readStream(`complaint-${complaint}`);
  t.match(received!.data, { owner: { name: /^pii:v1:[0-9a-f]{32}:/, phone: /^pii:v1:[0-9a-f]{32}:/ } }, 'each field sealed');

  t.match((await inject('GET', `/v1/complaints/${complaint}`, 'frontdesk')).body.details.owner, her, 'the desk reads them');
  t.match((await inject('GET', `/v1/complaints/${complaint}`, 'auditor')).body.details.owner, { name: '欧**', phone: '139****8642' }, 'masked for others');
  const events = (await inject('GET', `/v1/repairs/${repair}/events`, 'frontdesk')).body.events;
  t.match(events[0].data.owner, { name: her.name, phone: '13975318642' }, 'the timeline reads them');

  await runner.waitUntilCaughtUp();
  const found = (await inject('GET', `/v1/cases?propertyId=demo&phone=${encodeURIComponent('139 7531 8642')}`, 'frontdesk')).body.items.map(
    (i: { id: string }) => i.id,
  );
  t.same(found.sort(), [complaint, repair, visit].sort(), 'the phone search finds her records');

  t.match(await verifyLog(log), { intact: true, broken: [] }, 'the stored chains verify');
  t.match(await verifyLog(store), { intact: true }, 'read through the keys too');

  // A retried request is known by its command, whatever ciphertext its second decision would have had.
  const retried = async () =>
    app.inject({
      method: 'POST',
      url: '/v1/complaints',
      headers: { authorization: `Bearer ${secrets.frontdesk}`, 'content-type': 'application/json', 'idempotency-key': 'sealed-retry-1' },
      payload: JSON.stringify(complaintBody({ owner: other })),
    });
  const once = await retried();
  const twice = await retried();
  t.equal(twice.json().id, once.json().id, 'the retry answers the same record');
  t.equal((await log.readStream(`complaint-${once.json().id}`)).length, 1, 'and writes nothing');
});

t.test("an erasure destroys a person's keys: records, chains and KPIs stay, the fields read erased, by whom and when", async (t) => {
  const { log, store, rulesets, clock, inject, create } = await build(t);
  const complaint = await create('complaints', complaintBody({ owner: her }));
  const repair = await create('repairs', repairBody({ owner: { ...her, phone: '139 7531 8642' } }));
  const kept = await create('complaints', complaintBody({ owner: other }));
  await inject('POST', `/v1/complaints/${complaint}/acknowledge`, 'frontdesk', {});
  clock.set(Temporal.Instant.from('2026-03-02T03:00:00Z'));
  const deps = { store, rulesets, clock };
  const before = await reportAsOf(deps, { propertyId: 'demo', period: '2026-03' });

  t.equal((await inject('POST', '/v1/admin/erasures', 'frontdesk', { phone: her.phone })).status, 403, 'an administrator erases');
  t.equal((await inject('POST', '/v1/admin/erasures', 'admin', { phone: her.phone })).status, 403, 'of all properties: a person may have records in any');
  const erased = await inject('POST', '/v1/admin/erasures', 'adminAll', { phone: '13975318642' });
  t.equal(erased.status, 201);
  t.same(erased.body.records.map((r: { caseId: string }) => r.caseId).sort(), [complaint, repair].sort(), 'both of her records, not the other');
  t.equal(erased.body.keysDestroyed, 2);

  const view = (await inject('GET', `/v1/complaints/${complaint}`, 'frontdesk')).body;
  const mark = { erased: true, erasedAt: '2026-03-02T03:00:00Z', erasedBy: { id: /./, role: 'admin' } };
  t.match(view.details.owner, { name: mark, phone: mark }, 'read as erased, with who and when');
  t.equal(view.state, 'handling', 'the record itself stays');
  t.match((await inject('GET', `/v1/repairs/${repair}/events`, 'frontdesk')).body.events[0].data.owner.name, mark, 'its timeline too');
  t.match((await inject('GET', `/v1/complaints/${kept}`, 'frontdesk')).body.details.owner, other, "another person's record untouched");

  t.match(await verifyLog(log), { intact: true, broken: [] }, 'every chain still verifies');
  const after = await reportAsOf(deps, { propertyId: 'demo', period: '2026-03' });
  t.same(after.current.kpis, before.current.kpis, 'the KPIs count the same records as before');
  const counted = (report: typeof before) => Math.max(...report.current.kpis.map((k) => k.denominator + k.pending));
  t.ok(counted(after) >= 2, `her records still counted (${counted(after)})`);

  const erasures = (await log.readAll()).filter((e) => e.streamName.startsWith(ERASURE_STREAM_PREFIX));
  t.equal(erasures.length, 1, 'the erasure is an event');
  t.match(erasures[0], { type: 'PersonalDataErased', metadata: { actor: { role: 'admin' }, recordedAt: '2026-03-02T03:00:00Z' } });
  t.notOk(JSON.stringify(erasures[0]!.data).includes('7531'), 'naming the records, never the person');

  const again = await inject('POST', '/v1/admin/erasures', 'adminAll', { phone: her.phone });
  t.match(again, { status: 200, body: { records: [], keysDestroyed: 0 } }, 'nothing left to erase');
  t.equal((await inject('POST', '/v1/admin/erasures', 'adminAll', { caseType: 'complaint', caseId: 'nope' })).status, 404);
  const one = await inject('POST', '/v1/admin/erasures', 'adminAll', { caseType: 'complaint', caseId: kept });
  t.match(one, { status: 201, body: { records: [{ caseId: kept }], keysDestroyed: 1 } }, 'one record by its id');
});

t.test('a historical import seals names and phones as the desk does', async (t) => {
  const { log, inject } = await build(t);
  const row = {
    caseRef: 'OLD-1',
    caseType: 'complaint',
    action: 'receive',
    occurredAt: '2026-02-01T01:00:00Z',
    actor: 'li.na',
    role: 'frontdesk',
    ...complaintBody({ owner: her }),
  };
  // A step after the creating one: its link builds on the sealed creating event's hash.
  const step = { caseRef: 'OLD-1', caseType: 'complaint', action: 'acknowledge', occurredAt: '2026-02-01T01:10:00Z', actor: 'li.na', role: 'frontdesk' };
  const imported = await inject('POST', '/v1/admin/import', 'adminAll', [row, step]);
  t.match(imported, { status: 200, body: { eventsWritten: 2 } });
  const stored = JSON.stringify(await log.readAll(), (_, v) => (typeof v === 'bigint' ? String(v) : v));
  t.notOk(stored.includes(her.name) || stored.includes('7531'), 'the log holds neither');
  const id = imported.body.caseList[0].caseId;
  t.match((await inject('GET', `/v1/complaints/${id}`, 'frontdesk')).body.details.owner, her, 'read opened');
  t.match(await verifyLog(log), { intact: true });
});

t.test('events stored before sealing still read as written', async (t) => {
  const { log, rulesets, clock, inject } = await build(t);
  // Written by a service on the bare store: as the log was before personal data was sealed.
  const plain = caseService({ store: log, rulesets, clock });
  const { caseId } = await plain.execute({
    caseType: 'complaint',
    command: { name: 'receive', caseId: 'legacy-1', commandId: 'legacy-1', actor: { id: 'desk', role: 'frontdesk' }, payload: complaintBody({ owner: her }) },
  });
  t.ok(JSON.stringify(await log.readAll(), (_, v) => (typeof v === 'bigint' ? String(v) : v)).includes(her.name), 'stored in clear');
  t.match((await inject('GET', `/v1/complaints/${caseId}`, 'frontdesk')).body.details.owner, her);
  await inject('POST', `/v1/complaints/${caseId}/acknowledge`, 'frontdesk', {});
  t.match(await verifyLog(log), { intact: true });
  const erased = await inject('POST', '/v1/admin/erasures', 'adminAll', { caseType: 'complaint', caseId });
  t.match(erased.body, { records: [{ caseId, sealed: false }], keysDestroyed: 0 }, 'an erasure says it could not shred it');
});

t.test('a wrong master key is refused with the key ids named, at open and at read', async (t) => {
  const { dir, create, personal } = await build(t);
  await create('complaints', complaintBody({ owner: her }));
  const wrong = 'b2'.repeat(32);
  t.throws(() => openPersonalData({ DATA_DIR: dir, MASTER_KEY: wrong }), {
    code: 'PERSONAL_DATA_KEY',
    message: new RegExp(`wrapped by master key ${personal.master.id}, but MASTER_KEY is master key [0-9a-f]{16}`),
  });
  t.throws(() => openPersonalData({ DATA_DIR: dir, MASTER_KEY: 'not hex' }), /MASTER_KEY must hold a 256-bit key as 64 hex digits/);
  t.throws(() => openPersonalData({ DATA_DIR: dir, MASTER_KEY_FILE: join(dir, 'missing.key') }), /MASTER_KEY_FILE .* cannot be read \(ENOENT\)/);
});
