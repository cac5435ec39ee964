import t from 'tap';
import { yieldCpuByThread } from '../../src/projections/thread/priority.js';
import { niceOfThreads } from './thread-nice.js';

t.test('steps out of range are refused', async (t) => {
  for (const steps of [-1, 20, 2.5, Number.NaN]) t.throws(() => yieldCpuByThread(steps), RangeError, String(steps));
});

t.test('0 steps changes nothing', { skip: process.platform !== 'linux' && 'reads /proc' }, async (t) => {
  const before = niceOfThreads();
  t.match(yieldCpuByThread(0), { lowered: false, reason: /0 steps/ });
  t.same(niceOfThreads(), before);
});

// This test's own thread is lowered, and stays so: the last test of the file.
t.test(
  'on Linux the calling thread alone yields, by the steps asked, never past 19',
  { skip: process.platform !== 'linux' && 'a thread has its own nice value on Linux only' },
  async (t) => {
    const before = niceOfThreads();
    const mine = process.pid; // The main thread's id is the process's.
    const outcome = yieldCpuByThread(3);
    t.same(outcome, { lowered: true, from: before.get(mine), to: Math.min(19, before.get(mine)! + 3) });
    const after = niceOfThreads();
    t.equal(after.get(mine), Math.min(19, before.get(mine)! + 3));
    for (const [thread, nice] of before) if (thread !== mine && after.has(thread)) t.equal(after.get(thread), nice, `thread ${thread} keeps its priority`);
    t.same(yieldCpuByThread(19), { lowered: true, from: after.get(mine), to: 19 }, 'capped at the lowest priority');
    t.equal(niceOfThreads().get(mine), 19);
  },
);
