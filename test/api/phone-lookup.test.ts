import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Temporal } from 'temporal-polyfill';
import { buildApp } from '../../src/api/app.js';
import { urlForLog } from '../../src/api/log-privacy.js';
import { openTokenStore } from '../../src/api/auth/tokens.js';
import { openStaffDirectory } from '../../src/app/staff-directory.js';
import { normalisePhone } from '../../src/domain/record/phone.js';
import { allProjections, createProjectionRunner, openReadModelDb, phoneDigestKey, PHONE_KEY_FILE, readModelFile } from '../../src/projections/index.js';
import { manualClock } from '../../src/runtime/clock.js';
import { openRulesetRegistry } from '../../src/ruleset/registry.js';
import { createMemoryEventStore } from '../../src/store/memory.js';
import { ownerData } from '../owner-data.js';
import { CLOCK_START, capturedLogger, complaintBody, issueTokens, repairBody, sampleRuleset, tempDir } from './harness.js';

t.test('a phone in any usual spelling is one number', async (t) => {
  for (const typed of ['138 0000 0000', '138-0000-0000', '+86 13800000000', '8613800000000', '0086 138 0000 0000', '(+86) 138-0000-0000'])
    t.equal(normalisePhone(typed), '13800000000', typed);
  t.equal(normalisePhone('0571-8888 6666'), '057188886666', 'a landline keeps its digits');
});

t.test('without PHONE_DIGEST_KEY, the data directory keeps its own key, readable by its owner only', async (t) => {
  const { dir, remove } = await tempDir('phone-key-');
  t.teardown(remove);
  const first = phoneDigestKey({ DATA_DIR: dir });
  t.same(phoneDigestKey({ DATA_DIR: dir }), first, 'the same key on the next start');
  t.equal(statSync(join(dir, PHONE_KEY_FILE)).mode & 0o777, 0o600);
  t.same(phoneDigestKey({ DATA_DIR: dir, PHONE_DIGEST_KEY: 'k'.repeat(32) }), Buffer.from('k'.repeat(32)), 'the configured key wins');
});

t.test('a personal query parameter is censored in a logged URL', async (t) => {
  t.equal(
    urlForLog('/v1/cases?propertyId=demo&phone=138%200000%200000&q=x', new Set(['propertyId', 'phone', 'q'])),
    '/v1/cases?propertyId=demo&phone=[redacted]&q=[redacted]',
  );
  t.equal(urlForLog('/v1/cases?propertyId=demo', new Set(['propertyId'])), '/v1/cases?propertyId=demo');
});

t.test("GET /v1/cases?phone= finds an owner's records by their number, kept only as a keyed digest", async (t) => {
  const { dir, remove } = await tempDir('phone-lookup-');
  t.teardown(remove);
  const key = phoneDigestKey({ DATA_DIR: dir });
  const store = createMemoryEventStore();
  const rulesets = await openRulesetRegistry(store, await sampleRuleset());
  const tokens = openTokenStore(':memory:');
  const secrets = issueTokens(tokens);
  const clock = manualClock(Temporal.Instant.from(CLOCK_START));
  const db = openReadModelDb(readModelFile(dir));
  const runner = createProjectionRunner({ store, db, projections: allProjections(undefined, { phoneKey: key }), rulesets, clock });
  await runner.start();
  const { logger, lines } = capturedLogger('info');
  const staff = await openStaffDirectory({ store, clock });
  const app = await buildApp({ store, rulesets, tokens, staff, clock, logger, readModels: db, phoneDigestKey: key, projections: runner });
  t.teardown(async () => {
    await app.close();
    await runner.stop();
    db.close();
    await store.close();
    tokens.close();
  });
  const inject = (method: 'GET' | 'POST', url: string, body?: unknown) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${secrets.frontdesk}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { payload: JSON.stringify(body) } : {}),
    });
  const create = async (collection: string, body: unknown) => {
    const response = await inject('POST', `/v1/${collection}`, body);
    if (response.statusCode !== 201) throw new Error(response.body);
    return response.json<{ id: string }>().id;
  };
  const owner = { name: '赵海燕测试', phone: '+86 139-1234-5678' };
  const complaint = await create('complaints', complaintBody({ owner }));
  const repair = await create('repairs', repairBody({ owner: { ...owner, phone: '13912345678' } }));
  const visit = await create('visits', {
    propertyId: 'demo',
    unit: '3-2-1201',
    category: 'inquiry',
    description: '咨询停车',
    visitor: { name: '赵海燕测试', phone: '139 1234 5678' },
  });
  await create('complaints', complaintBody({ owner: { name: '钱测试', phone: '13800000000' } }));
  await runner.waitUntilCaughtUp();

  const byPhone = async (phone: string) => {
    const response = await inject('GET', `/v1/cases?propertyId=demo&phone=${encodeURIComponent(phone)}`);
    if (response.statusCode !== 200) throw new Error(response.body);
    return response
      .json<{ items: { id: string }[] }>()
      .items.map((i) => i.id)
      .sort();
  };
  const hers = [complaint, repair, visit].sort();
  t.same(await byPhone('139 1234 5678'), hers, 'spaces');
  t.same(await byPhone('139-1234-5678'), hers, 'dashes');
  t.same(await byPhone('+8613912345678'), hers, 'the country code');
  t.same(await byPhone('13912345679'), [], 'another number finds nothing');

  const file = readModelFile(dir);
  const bytes = [file, `${file}-wal`].map((f) => {
    try {
      return readFileSync(f).toString('latin1');
    } catch {
      return '';
    }
  });
  t.notOk(
    bytes.some((b) => b.includes('13912345678') || b.includes('1234-5678') || b.includes('1234 5678')),
    'no phone in clear in the read model',
  );
  const log = lines.join('');
  t.ok(log.includes('/v1/cases?propertyId=demo&phone=[redacted]'), 'the lookups are logged, without the number');
  t.notMatch(log, ownerData('13912345678', '139-1234-5678', '5678'), 'no phone in the log');
});
