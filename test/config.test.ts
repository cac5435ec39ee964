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
