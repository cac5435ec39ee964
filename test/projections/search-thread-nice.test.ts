import t from 'tap';
import { searchReaderThread } from '../../src/projections/search/reader-thread.js';
import { tempDir } from '../api/harness.js';
import { niceOfThreads } from './thread-nice.js';

t.test(
  'the search thread yields the CPU to requests by the steps it is given',
  { skip: process.platform !== 'linux' && 'a thread has its own nice value on Linux only' },
  async (t) => {
    const { dir, remove } = await tempDir('search-thread-nice-');
    t.teardown(remove);
    const before = niceOfThreads();
    const base = before.get(process.pid)!;
    const reader = searchReaderThread(`${dir}/read-models.db`, { yieldSteps: 3 });
    t.teardown(() => reader.close());
    // Any answer (here: no read model yet) says the thread has started and set its priority.
    await t.rejects(reader.listCases({ propertyId: 'demo', limit: 1 }));
    const lowered = [...niceOfThreads()].filter(([thread, nice]) => !before.has(thread) && nice === base + 3);
    t.equal(lowered.length, 1, 'one new thread, the search thread, at 3 steps below');
    t.equal(niceOfThreads().get(process.pid), base, 'the request thread keeps its priority');
  },
);
