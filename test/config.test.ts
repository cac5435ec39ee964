import t from 'tap';
import { readConfig } from '../src/config.js';

t.test('the projection thread yields 10 nice steps unless told otherwise', async (t) => {
  t.equal(readConfig({}).PROJECTION_THREAD_NICE, 10);
  t.equal(readConfig({ PROJECTION_THREAD_NICE: '0' }).PROJECTION_THREAD_NICE, 0, '0: the same priority as requests');
  t.equal(readConfig({ PROJECTION_THREAD_NICE: '' }).PROJECTION_THREAD_NICE, 10, 'empty is unset');
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
