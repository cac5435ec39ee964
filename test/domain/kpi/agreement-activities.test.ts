import t from 'tap';
import { activityLifecycle } from '../../../src/domain/activity/lifecycle.js';
import { rulesetOf } from '../../../src/domain/records.js';
import { activityBody, sampleRuleset } from '../case/fixtures.js';
import { held, recordOf, report } from './agreement-records-fixture.js';

// The two activity KPIs: an activity in each month, and the households that took part.

t.test('activity.count: each month of the period, met with perMonth activities; a month without any is a failure once it ends', async (t) => {
  const activities = [held('jul', '2026-07-15'), held('sep', '2026-09-10')];
  t.match(
    report(activities, '2026-Q3', '2026-10-01T00:00:00Z')['activity.count'],
    {
      measure: 'months',
      perMonth: 1,
      numerator: 2,
      denominator: 3,
      pending: 0,
      value: 2 / 3,
      met: false,
      failingCaseIds: ['2026-08'],
    },
    'August had none: a month that failed, listed by its id',
  );
  // As of 20 August only July's activity had been recorded.
  t.match(
    report(activities.slice(0, 1), '2026-Q3', '2026-08-20T00:00:00Z')['activity.count'],
    {
      numerator: 1,
      denominator: 1,
      pending: 2,
      pendingCaseIds: ['2026-08', '2026-09'],
      met: true,
    },
    'August and September pending while they have not ended',
  );

  t.match(report([], '2026-09', '2026-09-30T15:59:59.999Z')['activity.count'], {
    numerator: 0,
    denominator: 0,
    pending: 1,
    value: null,
    met: null,
    pendingCaseIds: ['2026-09'],
  });
  t.match(
    report([], '2026-09', '2026-09-30T16:00:00Z')['activity.count'],
    { numerator: 0, denominator: 1, pending: 0, value: 0, met: false, failingCaseIds: ['2026-09'] },
    'no activity in September: not met (not "no data") from 00:00 on 1 October, local',
  );
  t.match(
    report([held('late-sep', '2026-09-30')], '2026-09', '2026-09-30T15:00:00Z')['activity.count'],
    { numerator: 1, denominator: 1, pending: 0, met: true },
    'met as soon as the month has its activity',
  );
});

t.test('activity.count with perMonth 2 (riverside-2026)', async (t) => {
  const riverside = [held('r1', '2026-09-05', 300, 'riverside'), held('r2', '2026-09-20', 300, 'riverside'), held('r3', '2026-10-08', 300, 'riverside')];
  t.match(report(riverside, '2026-09', '2026-10-01T00:00:00Z', 'riverside')['activity.count'], { perMonth: 2, numerator: 1, denominator: 1, met: true });
  t.match(
    report(riverside, '2026-10', '2026-10-20T00:00:00Z', 'riverside')['activity.count'],
    { numerator: 0, denominator: 0, pending: 1 },
    'one of two: pending while October lasts',
  );
  t.match(report(riverside, '2026-10', '2026-11-01T00:00:00Z', 'riverside')['activity.count'], {
    numerator: 0,
    denominator: 1,
    met: false,
    failingCaseIds: ['2026-10'],
  });
  t.match(
    report(riverside, '2026-10', '2026-11-01T00:00:00Z')['activity.count'],
    { perMonth: 1, denominator: 1, failingCaseIds: ['2026-10'] },
    "another property's activities do not count for demo",
  );
});

t.test('activity.participation: households that took part over households, summed; an activity below the target listed', async (t) => {
  const activities = [held('fair', '2026-09-05', 480), held('quiet', '2026-09-20', 240)];
  t.match(
    report(activities, '2026-09', '2026-10-01T00:00:00Z')['activity.participation'],
    {
      measure: 'households',
      numerator: 720,
      denominator: 2_400,
      pending: 0,
      value: 0.3,
      met: true,
      failingCaseIds: ['quiet'],
    },
    '480 + 240 of 1200 + 1200: exactly 30 %, met, while the 20 % activity is listed',
  );
  const corrected = recordOf(activityLifecycle, 'activity')('quiet', [
    { name: 'record', payload: { ...activityBody, heldOn: '2026-09-20', participants: 240 }, now: '2026-09-20T10:00:00Z' },
    { name: 'correct-participation', payload: { participants: 360, reason: '补录签到表' }, now: '2026-09-21T10:00:00Z' },
  ]);
  t.match(
    report([activities[0]!, corrected], '2026-09', '2026-10-01T00:00:00Z')['activity.participation'],
    { numerator: 840, denominator: 2_400, failingCaseIds: [] },
    'the corrected count',
  );
  t.match(
    report([held('r-at', '2026-09-05', 215, 'riverside'), held('r-below', '2026-09-06', 214, 'riverside')], '2026-09', '2026-10-01T00:00:00Z', 'riverside')[
      'activity.participation'
    ],
    {
      numerator: 429,
      denominator: 1_720,
      failingCaseIds: ['r-below'],
      met: false,
    },
    'riverside: 860 households, 25 % target',
  );

  // A ruleset whose property states no households (its agreement does not measure participation):
  // an activity recorded under it cannot be judged against the demo agreement's 30 %.
  const files = { ...sampleRuleset.files } as Record<string, Record<string, unknown>>;
  const properties = (files['properties.yaml']!.properties as Array<Record<string, unknown>>).map(({ households: _, ...p }) => p);
  const agreement = files['agreements/demo-2026.yaml']!;
  const withoutHouseholds = rulesetOf({
    ...files,
    'properties.yaml': { properties },
    'agreements/demo-2026.yaml': { ...agreement, kpis: (agreement.kpis as Array<{ id: string }>).filter((k) => k.id !== 'activity.participation') },
    'agreements/riverside-2026.yaml': { ...files['agreements/riverside-2026.yaml'], kpis: [{ id: 'callback.rate', target: 1 }] },
  });
  const unjudged = held('no-households', '2026-09-12', 300, 'demo', withoutHouseholds);
  t.match(unjudged, { households: null, participants: 300 });
  t.match(report([activities[0]!, unjudged], '2026-09', '2026-10-01T00:00:00Z')['activity.participation'], {
    numerator: 480,
    denominator: 1_200,
    pending: 1,
    pendingCaseIds: ['no-households'],
    undeterminedCaseIds: ['no-households'],
  });
});
