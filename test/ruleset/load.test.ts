import { cp, rm, writeFile, readFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { isRulesetInvalid, type RulesetIssue } from '../../src/domain/ruleset/errors.js';
import { loadRuleset } from '../../src/ruleset/load.js';

const RULES = new URL('../../rules', import.meta.url).pathname;

t.test('the sample ruleset loads, with the seed defaults', async (t) => {
  const ruleset = await loadRuleset(RULES);
  t.match(ruleset.version, /^sha256:[0-9a-f]{64}$/);
  const demo = ruleset.property('demo')!;
  t.equal(demo.timeZone, 'Asia/Shanghai');
  t.same(
    demo.agreementRules.kpis.map((k) => [k.id, k.target]),
    [
      ['complaint.timely_handling', 0.98],
      ['complaint.resolution_rate', 0.95],
      ['complaint.resolution_timely', 0.95],
      ['repair.response_timely', 0.98],
      ['repair.completion_timely', 0.98],
      ['callback.rate', 1],
      ['satisfaction.rate', 0.95],
      ['visit.reception_rate', 1],
      ['fee.collection_rate', 0.95],
      ['activity.count', 1],
      ['activity.participation', 0.3],
      ['archive.accuracy', 1],
      ['inspection.pass_rate', 0.92],
    ],
  );
  t.same(demo.agreementRules.followUp, { complaint: 'required', repair: 'optional' }, 'the seed: a dissatisfied complaint is followed up; a repair may close');
  t.equal(demo.households, 1200);
  const riverside = ruleset.property('riverside')!;
  t.equal(riverside.agreementRules.kpis.find((k) => k.id === 'satisfaction.rate')!.target, 0.9, 'a second agreement, another satisfaction target');
  t.match(riverside, {
    households: 860,
    agreementRules: { id: 'riverside-2026', file: 'agreements/riverside-2026.yaml', followUp: { complaint: 'required', repair: 'required' } },
  });
  t.same(
    riverside.agreementRules.kpis.find((k) => k.id === 'activity.count'),
    { id: 'activity.count', target: 1, comparator: '>=', perMonth: 2 },
  );
  t.equal(ruleset.intake.recordWindowDays, 7);
  t.same(
    ruleset.spec.categories.visit.map((c) => c.id),
    ['inquiry', 'fees', 'renovation', 'suggestion', 'other'],
  );
  t.match(ruleset.policiesFor({ caseType: 'visit', category: 'inquiry' }).get('response'), {
    id: 'visit.response',
    starts: 'received',
    stops: 'answered',
    duration: { kind: 'elapsed', minutes: 30 },
  });
  const policy = (caseType: 'complaint' | 'repair', clock: string, complexity?: 'general' | 'complex') =>
    ruleset.policiesFor({ caseType, category: 'other', ...(complexity ? { complexity } : {}) }).get(clock as never);
  t.match(policy('complaint', 'response'), { duration: { kind: 'elapsed', hours: 2 } });
  t.match(policy('complaint', 'resolution'), { duration: { kind: 'working_days', days: 3 } });
  t.match(policy('repair', 'response'), { duration: { kind: 'elapsed', minutes: 30 } });
  t.match(policy('repair', 'completion', 'general'), { duration: { kind: 'elapsed', hours: 24 }, pausedIn: ['paused'] });
  t.match(policy('repair', 'completion', 'complex'), { duration: { kind: 'elapsed', hours: 72 }, pausedIn: ['paused'] });
  for (const id of ['noise', 'environment', 'security', 'service', 'facility', 'other']) t.ok(ruleset.hasCategory('complaint', id), id);
  for (const id of ['plumbing', 'electrical', 'door_lock', 'elevator', 'public_facility', 'other']) t.ok(ruleset.hasCategory('repair', id), id);
  for (const id of ['engineering', 'security', 'cleaning', 'greening', 'customer_service', 'finance']) t.ok(ruleset.hasDepartment(id), id);
  t.equal((await loadRuleset(RULES)).version, ruleset.version, 'the version is stable');
});

/** Copies the sample rules, applies an edit, and returns the issues the load reports. */
const issuesAfter = async (t: { testdir: () => string }, edit: (dir: string) => Promise<void>): Promise<RulesetIssue[]> => {
  const dir = t.testdir();
  await cp(RULES, dir, { recursive: true });
  await edit(dir);
  try {
    await loadRuleset(dir);
  } catch (error) {
    if (isRulesetInvalid(error)) return [...error.issues];
    throw error;
  }
  return [];
};
const replaceIn = (file: string, from: string, to: string) => async (dir: string) => {
  const text = await readFile(join(dir, file), 'utf8');
  if (!text.includes(from)) throw new Error(`${from} not in ${file}`);
  await writeFile(join(dir, file), text.replace(from, to));
};

const cases: Array<[string, (dir: string) => Promise<void>, Partial<RulesetIssue>]> = [
  [
    'YAML that does not parse',
    async (dir) => writeFile(join(dir, 'intake.yaml'), 'backdatingAllowanceMinutes: [30\n'),
    { file: 'intake.yaml', message: /not valid YAML/ as never },
  ],
  [
    'a duplicated YAML key',
    async (dir) => writeFile(join(dir, 'intake.yaml'), 'backdatingAllowanceMinutes: 30\nbackdatingAllowanceMinutes: 40\n'),
    { file: 'intake.yaml', message: /not valid YAML/ as never },
  ],
  ['a required file missing', async (dir) => rm(join(dir, 'categories.yaml')), { file: 'categories.yaml', message: 'required file is missing' }],
  ['a stray file', async (dir) => writeFile(join(dir, 'notes.yaml'), 'a: 1\n'), { file: 'notes.yaml', message: /not a rules file/ as never }],
  [
    'a wrong type',
    replaceIn('sla.yaml', 'duration: { kind: elapsed, hours: 2 }', 'duration: { kind: elapsed, hours: two }'),
    { file: 'sla.yaml', path: 'policies[0].duration.hours' },
  ],
  [
    'an unknown clock kind',
    replaceIn('sla.yaml', 'kind: working_days, days: 3', 'kind: lunar_days, days: 3'),
    { file: 'sla.yaml', path: 'policies[1].duration.kind' },
  ],
  [
    'an unknown key',
    replaceIn('intake.yaml', 'futureToleranceSeconds: 60', 'futureToleranceSeconds: 60\ngraceMinutes: 5'),
    { file: 'intake.yaml', message: /graceMinutes/ as never },
  ],
  [
    'an at-risk share out of range',
    replaceIn(
      'sla.yaml',
      'atRisk: 0.8\n    onMiss: { escalate: true }                   # 重要',
      'atRisk: 1.5\n    onMiss: { escalate: true }                   # 重要',
    ),
    { file: 'sla.yaml', path: 'policies[0].atRisk' },
  ],
  [
    'a milestone of the other case type',
    replaceIn('sla.yaml', 'stops: handling_started', 'stops: dispatched'),
    { file: 'sla.yaml', path: 'policies[0].stops', message: /not a complaint milestone; allowed: received, handling_started/ as never },
  ],
  [
    'a pause state a complaint does not have',
    replaceIn('sla.yaml', 'stops: resolved\n', 'stops: resolved\n    pausedIn: [paused]\n'),
    { file: 'sla.yaml', path: 'policies[1].pausedIn[0]' },
  ],
  [
    'an unknown category in a policy',
    replaceIn('sla.yaml', 'when: { complexity: complex }', 'when: { complexity: complex, categories: [teleport] }'),
    { file: 'sla.yaml', path: 'policies[4].when.categories[0]', message: 'unknown repair category "teleport"' },
  ],
  [
    'a property on an unknown calendar',
    replaceIn('properties.yaml', 'calendar: cn-mainland', 'calendar: mars'),
    { file: 'properties.yaml', path: 'properties[0].calendar', message: /unknown calendar "mars"; known: cn-mainland/ as never },
  ],
  [
    'a property on an unknown agreement',
    replaceIn('properties.yaml', 'agreement: demo-2026', 'agreement: demo-2099'),
    { file: 'properties.yaml', path: 'properties[0].agreement' },
  ],
  [
    'an unknown KPI',
    replaceIn('agreements/demo-2026.yaml', 'id: callback.rate,', 'id: callback.speed,'),
    { file: 'agreements/demo-2026.yaml', path: 'kpis[5].id' },
  ],
  [
    'a target given in percent',
    replaceIn('agreements/demo-2026.yaml', 'target: 0.98, comparator: ">=" }   # 投诉', 'target: 98, comparator: ">=" }   # 投诉'),
    { file: 'agreements/demo-2026.yaml', path: 'kpis[0].target' },
  ],
  [
    'a KPI without its clock',
    async (dir) => {
      const text = await readFile(join(dir, 'sla.yaml'), 'utf8');
      await writeFile(join(dir, 'sla.yaml'), text.replace(/ {2}- id: repair\.response\n[\s\S]*?(?=\n {2}- id: repair\.completion\.complex)/, ''));
    },
    { file: 'agreements/demo-2026.yaml', path: 'kpis[3].id', message: /needs a repair response clock/ as never },
  ],
  [
    'a calendar with an impossible date',
    replaceIn('calendars/cn-mainland.yaml', '2025-01-26', '2025-02-30'),
    { file: 'calendars/cn-mainland.yaml', message: /2025-02-30 is not a calendar date/ as never },
  ],
  [
    'perMonth on a KPI other than activity.count',
    replaceIn(
      'agreements/demo-2026.yaml',
      '{ id: callback.rate,               target: 1.00, comparator: ">=" }',
      '{ id: callback.rate, target: 1.00, comparator: ">=", perMonth: 1 }',
    ),
    { file: 'agreements/demo-2026.yaml', path: 'kpis[5].perMonth', message: 'perMonth applies to activity.count only' },
  ],
  [
    'perMonth of no activity',
    replaceIn('agreements/demo-2026.yaml', 'perMonth: 1', 'perMonth: 0'),
    { file: 'agreements/demo-2026.yaml', path: 'kpis[9].perMonth' },
  ],
  [
    'a KPI listed twice',
    replaceIn('agreements/riverside-2026.yaml', '  - { id: archive.accuracy,', '  - { id: inspection.pass_rate, target: 0.9 }\n  - { id: archive.accuracy,'),
    { file: 'agreements/riverside-2026.yaml', path: 'kpis', message: 'KPI "inspection.pass_rate" is listed twice' },
  ],
  [
    'activity.participation for a property without households',
    replaceIn('properties.yaml', '    households: 860\n', ''),
    {
      file: 'properties.yaml',
      path: 'properties[1].households',
      message: "activity.participation of agreement riverside-2026 is a share of the property's households: state them",
    },
  ],
  [
    'households that are not a whole number',
    replaceIn('properties.yaml', 'households: 1200', 'households: 1200.5'),
    { file: 'properties.yaml', path: 'properties[0].households' },
  ],
  [
    'a visit policy stopping at a repair milestone',
    replaceIn('sla.yaml', 'stops: answered', 'stops: dispatched'),
    { file: 'sla.yaml', path: 'policies[7].stops', message: '"dispatched" is not a visit milestone; allowed: received, answered, closed' },
  ],
  [
    'a clock on a record that has none',
    replaceIn('sla.yaml', 'caseType: visit', 'caseType: fee'),
    { file: 'sla.yaml', path: 'policies[7].starts', message: '"received" is not a fee milestone; allowed: ' },
  ],
  [
    'an unknown follow-up rule',
    replaceIn('agreements/demo-2026.yaml', '  repair: optional', '  repair: sometimes'),
    { file: 'agreements/demo-2026.yaml', path: 'followUp.repair' },
  ],
  [
    'a record window that is negative',
    replaceIn('intake.yaml', 'recordWindowDays: 7', 'recordWindowDays: -1'),
    { file: 'intake.yaml', path: 'recordWindowDays' },
  ],
  [
    'a unit pattern that is not a regular expression',
    replaceIn('properties.yaml', "pattern: '[1-9][0-9]?-[1-9][0-9]?-[0-9]{3,4}', example: 3-2-1201", "pattern: '[1-9', example: 3-2-1201"),
    { file: 'properties.yaml', path: 'properties[0].units.pattern', message: /^not a regular expression: / as never },
  ],
  [
    'a unit example its own pattern refuses',
    replaceIn('properties.yaml', 'example: 1-1-101', 'example: 1-1-A01'),
    { file: 'properties.yaml', path: 'properties[1].units.example', message: 'the example does not match the pattern' },
  ],
  [
    'two properties with one id',
    replaceIn('properties.yaml', 'properties:\n', 'properties:\n  - { id: demo, name: again, calendar: cn-mainland, agreement: demo-2026 }\n'),
    { file: 'properties.yaml', message: 'property id "demo" is used twice' },
  ],
];

for (const [name, edit, expected] of cases) {
  t.test(`a bad ruleset: ${name}`, async (t) => {
    const issues = await issuesAfter(t, edit);
    t.ok(issues.length > 0, 'is refused');
    t.match(issues, [expected], issues.map((i) => `${i.file} ${i.path}: ${i.message}`).join('; '));
  });
}

t.test('the error message names file, path and problem on one line each', async (t) => {
  const dir = t.testdir();
  await cp(RULES, dir, { recursive: true });
  await mkdir(join(dir, 'agreements'), { recursive: true });
  await replaceIn('properties.yaml', 'calendar: cn-mainland', 'calendar: mars')(dir);
  await t.rejects(loadRuleset(dir), { code: 'RULESET_INVALID', message: /properties\.yaml at properties\[0\]\.calendar: unknown calendar "mars"/ });
  await t.rejects(loadRuleset(join(dir, 'nowhere')), { code: 'RULESET_INVALID', message: /cannot read the rules directory/ });
});
