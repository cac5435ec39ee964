import t from 'tap';
import { missDetection } from '../../../src/domain/sla/miss-detection.js';
import { rulesetOf } from '../../../src/domain/records.js';
import { isRulesetInvalid, type RulesetIssue } from '../../../src/domain/ruleset/errors.js';
import { sampleRuleset } from '../case/fixtures.js';

// When a deadline miss escalates: only when noticed live (docs/domain.md "Misses").

const deadline = '2023-03-05T16:00:00Z';
const window = { maxLateHours: 24 };

t.test('a miss noticed within maxLateHours of its deadline, on a record never imported, is live', async (t) => {
  t.same(missDetection({ deadline, detectedAt: '2023-03-05T16:00:15Z', importedAt: null, escalation: window }), { kind: 'live' });
  t.same(
    missDetection({ deadline, detectedAt: '2023-03-06T16:00:00Z', importedAt: null, escalation: window }),
    { kind: 'live' },
    'exactly 24 h late is within',
  );
});

t.test('a deadline that passed before the record was imported is late, however soon the miss is noticed', async (t) => {
  t.match(missDetection({ deadline, detectedAt: '2026-03-02T01:00:15Z', importedAt: '2026-03-02T01:00:00Z', escalation: window }), {
    kind: 'late',
    reason: 'imported_after_deadline',
    detail: /had passed when the record was imported \(2026-03-02T01:00:00Z\)/,
  });
  t.match(
    missDetection({ deadline, detectedAt: '2023-03-05T16:00:30Z', importedAt: '2023-03-05T16:00:10Z', escalation: undefined }),
    { kind: 'late', reason: 'imported_after_deadline' },
    'also without a window, and seconds after the deadline',
  );
  t.same(
    missDetection({ deadline, detectedAt: '2023-03-05T16:00:30Z', importedAt: '2023-03-01T00:00:00Z', escalation: window }),
    { kind: 'live' },
    'imported before its deadline, the record is watched live',
  );
});

t.test('a miss noticed more than maxLateHours after its deadline is late; without the rule, it is live', async (t) => {
  t.match(missDetection({ deadline, detectedAt: '2023-03-06T16:00:01Z', importedAt: null, escalation: window }), {
    kind: 'late',
    reason: 'beyond_window',
    detail: /more than 24 h \(sla\.yaml escalation\.maxLateHours\)/,
  });
  t.same(
    missDetection({ deadline, detectedAt: '2023-03-09T00:00:00Z', importedAt: null, escalation: undefined }),
    { kind: 'live' },
    'a ruleset published before the rule',
  );
});

t.test('sla.yaml escalation.maxLateHours: shipped, optional, and refused precisely when wrong', async (t) => {
  t.same(sampleRuleset.spec.escalation, { maxLateHours: 24 }, 'the shipped ruleset states it');
  const sla = sampleRuleset.files['sla.yaml'] as Record<string, unknown>;
  const withEscalation = (escalation: unknown) => rulesetOf({ ...sampleRuleset.files, 'sla.yaml': { ...sla, escalation } });
  const { escalation: _, ...without } = sla;
  t.equal(rulesetOf({ ...sampleRuleset.files, 'sla.yaml': without }).spec.escalation, undefined, 'a ruleset without it still loads');
  const issues = (escalation: unknown): RulesetIssue[] => {
    try {
      withEscalation(escalation);
    } catch (error) {
      if (isRulesetInvalid(error)) return [...error.issues];
      throw error;
    }
    return [];
  };
  t.same(issues({ maxLateHours: 0 }), [{ file: 'sla.yaml', path: 'escalation.maxLateHours', message: 'maxLateHours: more than 0 hours' }]);
  t.same(issues({ maxLateHours: 'a day' }), [{ file: 'sla.yaml', path: 'escalation.maxLateHours', message: 'maxLateHours: hours, a number such as 24' }]);
  t.same(issues({ maxLateHours: 9000 }), [{ file: 'sla.yaml', path: 'escalation.maxLateHours', message: 'maxLateHours: at most a year (8760 hours)' }]);
  t.match(issues({ maxLateHours: 24, hours: 1 }), [{ file: 'sla.yaml', path: 'escalation' }], 'an unknown key');
});
