import t from 'tap';
import { availableParallelism } from 'node:os';
import { defaultHeavyThreads, readConfig } from '../src/config.js';

t.test('the projection thread yields 10 nice steps unless told otherwise', async (t) => {
  t.equal(readConfig({}).PROJECTION_THREAD_NICE, 10);
  t.equal(readConfig({ PROJECTION_THREAD_NICE: '0' }).PROJECTION_THREAD_NICE, 0, '0: the same priority as requests');
  t.equal(readConfig({ PROJECTION_THREAD_NICE: '' }).PROJECTION_THREAD_NICE, 10, 'empty is unset');
});

t.test('the search thread yields 5 nice steps unless told otherwise', async (t) => {
  t.equal(readConfig({}).SEARCH_THREAD_NICE, 5);
  t.equal(readConfig({ SEARCH_THREAD_NICE: '0' }).SEARCH_THREAD_NICE, 0);
  t.throws(() => readConfig({ SEARCH_THREAD_NICE: '20' }), /SEARCH_THREAD_NICE/);
});

t.test('a bad value stops the start with a message naming the setting', async (t) => {
  for (const bad of ['20', '-1', '2.5', 'low']) {
    t.throws(() => readConfig({ PROJECTION_THREAD_NICE: bad }), /invalid configuration:\n {2}PROJECTION_THREAD_NICE: /, `PROJECTION_THREAD_NICE=${bad}`);
  }
});

t.test('PHONE_DIGEST_KEY: unset (the data directory keeps its own), or a key of 32 characters or more', async (t) => {
  t.equal(readConfig({}).PHONE_DIGEST_KEY, undefined);
  t.equal(readConfig({ PHONE_DIGEST_KEY: 'k'.repeat(32) }).PHONE_DIGEST_KEY, 'k'.repeat(32));
  t.throws(() => readConfig({ PHONE_DIGEST_KEY: 'short' }), /invalid configuration:\n {2}PHONE_DIGEST_KEY: PHONE_DIGEST_KEY must be at least 32 characters/);
});

t.test('ADMIN_TOKEN: unset, or long and random-looking', async (t) => {
  t.equal(readConfig({}).ADMIN_TOKEN, undefined);
  const good = '3f9a1c7e5b2d8046af13c9e7d5b2a8f0';
  t.equal(readConfig({ ADMIN_TOKEN: good }).ADMIN_TOKEN, good);
  t.throws(() => readConfig({ ADMIN_TOKEN: 'aaaaaaaaaaaaaaaa' }), /ADMIN_TOKEN: ADMIN_TOKEN must be at least 24 characters/);
  t.throws(() => readConfig({ ADMIN_TOKEN: 'ab'.repeat(20) }), /ADMIN_TOKEN: ADMIN_TOKEN must look random/);
  t.throws(() => readConfig({ ADMIN_TOKEN: 'password'.repeat(4) }), /must look random/);
});

t.test('timeouts, rate limits and heavy-work threads have defaults and refuse nonsense', async (t) => {
  t.match(readConfig({}), {
    REQUEST_TIMEOUT_SECONDS: 30,
    HEADERS_TIMEOUT_SECONDS: 10,
    IDLE_TIMEOUT_SECONDS: 120,
    AUTH_FAILURES_PER_MINUTE: 20,
    HEAVY_REQUESTS_PER_MINUTE: 60,
    HEAVY_THREADS: defaultHeavyThreads(availableParallelism()),
    HEAVY_QUEUE: 16,
    HEAVY_THREAD_HEAP_MB: 1024,
  });
  t.same([1, 2, 3, 4, 5, 8, 64].map(defaultHeavyThreads), [1, 1, 2, 3, 4, 4, 4], 'one heavy thread per core beyond the request thread’s, 1 to 4');
  t.equal(readConfig({ HEAVY_THREADS: '3' }).HEAVY_THREADS, 3, 'or as many as configured');
  for (const [key, bad] of [
    ['REQUEST_TIMEOUT_SECONDS', '0'],
    ['IDLE_TIMEOUT_SECONDS', '5'],
    ['AUTH_FAILURES_PER_MINUTE', '-1'],
    ['HEAVY_REQUESTS_PER_MINUTE', 'many'],
    ['HEAVY_THREADS', '0'],
    ['HEAVY_QUEUE', '-1'],
    ['HEAVY_THREAD_HEAP_MB', '16'],
  ] as const) {
    t.throws(() => readConfig({ [key]: bad }), new RegExp(`invalid configuration:\\n {2}${key}: `), `${key}=${bad}`);
  }
});
