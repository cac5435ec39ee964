import t from 'tap';
import { dashboardHub, type SharedDashboard } from '../../src/api/routes/dashboard-hub.js';
import { sharedStatus } from '../../src/api/routes/dashboard-lag.js';
import type { ProjectionStatus } from '../../src/projections/projection.js';

const caps = { perToken: 8, total: 500 };
/** A computation that counts its calls and answers its number. */
const counting = () => {
  let calls = 0;
  return {
    compute: async (): Promise<SharedDashboard> => ({ event: 'dashboard', data: String(++calls) }),
    calls: () => calls,
  };
};

t.test('a dashboard is shared until the property changes or it is older than asked, by the server clock', async (t) => {
  let now = 1_000;
  const hub = dashboardHub(caps, () => now);
  t.teardown(() => hub.endAll());
  const c = counting();
  t.equal((await hub.dashboard('demo', 'k', c.compute, { freshMs: 1_000 })).data, '1');
  t.equal((await hub.dashboard('demo', 'k', c.compute, { freshMs: 1_000 })).data, '1', 'the same change: shared');
  hub.changed('other');
  t.equal((await hub.dashboard('demo', 'k', c.compute, { freshMs: 1_000 })).data, '1', "another property's change: still shared");
  hub.changed('demo');
  t.equal((await hub.dashboard('demo', 'k', c.compute, { freshMs: 1_000 })).data, '2', 'a change of its property: computed again');
  now += 1_001;
  t.equal((await hub.dashboard('demo', 'k', c.compute, { freshMs: 1_000 })).data, '3', 'older than asked: computed again');
  hub.changedAll();
  t.equal((await hub.dashboard('demo', 'k', c.compute)).data, '4', 'the clock moved: computed again');
  t.equal(c.calls(), 4);
});

t.test("streams space a query's computations: within the spacing, every asker waits for the same next one", async (t) => {
  const hub = dashboardHub(caps);
  t.teardown(() => hub.endAll());
  const c = counting();
  const spacing = { spacingMs: 40 };
  t.equal((await hub.dashboard('demo', 'k', c.compute, spacing)).data, '1');
  const started = Date.now();
  hub.changed('demo');
  const first = hub.dashboard('demo', 'k', c.compute, spacing);
  hub.changed('demo');
  const second = hub.dashboard('demo', 'k', c.compute, spacing);
  t.equal(c.calls(), 1, 'nothing computed yet within the spacing');
  const answers = await Promise.all([first, second]);
  t.same(
    answers.map((a) => a.data),
    ['2', '2'],
    'both askers get the one computation after the spacing, which includes both changes',
  );
  t.ok(Date.now() - started >= 30, `not before the spacing (${Date.now() - started} ms)`);
  t.equal((await hub.dashboard('demo', 'k', c.compute, spacing)).data, '2', 'and it is shared until the next change');
  t.equal(c.calls(), 2);
});

const status = (events: number): ProjectionStatus[] => [{ lagEvents: events } as ProjectionStatus];

t.test("the projections' status is shared while fresh, asked again in the background once half that old, and dropped on a health change", async (t) => {
  let now = 0;
  let asks = 0;
  const answers: Array<(value: ProjectionStatus[]) => void> = [];
  const ask = () => {
    asks++;
    return new Promise<ProjectionStatus[]>((resolve) => answers.push(resolve));
  };
  const lag = sharedStatus(ask, 1_000, () => now);
  const first = lag.status();
  const joined = lag.status();
  t.equal(asks, 1, 'two dashboards at once: one question');
  answers[0]!(status(5));
  t.same(await first, status(5));
  t.same(await joined, status(5));

  now = 400;
  t.same(await lag.status(), status(5), 'fresh: the answer kept');
  t.equal(asks, 1, 'and nothing asked');
  now = 600;
  t.same(await lag.status(), status(5), 'half its age passed: still the answer kept');
  t.equal(asks, 2, 'while the next is asked in the background');
  answers[1]!(status(2));
  await Promise.resolve();
  await Promise.resolve();
  t.same(await lag.status(), status(2), 'the next answer kept when it comes');

  now = 2_000;
  const stale = lag.status();
  t.equal(asks, 3, 'older than fresh: asked again, and waited for');
  answers[2]!(status(1));
  t.same(await stale, status(1));

  const before = lag.status();
  t.equal(asks, 3, 'fresh again');
  t.same(await before, status(1));
  lag.invalidate();
  const after = lag.status();
  t.equal(asks, 4, 'a health change: the next dashboard asks anew');
  answers[3]!(status(0));
  t.same(await after, status(0));
});
