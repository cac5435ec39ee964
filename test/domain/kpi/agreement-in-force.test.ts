import t from 'tap';
import { agreementInForce } from '../../../src/domain/kpi/agreement-in-force.js';
import { parsePeriod } from '../../../src/domain/kpi/period.js';
import { rulesetOf } from '../../../src/domain/records.js';
import { sampleRuleset } from '../../api/harness.js';

/** The sample rules with property demo under two more agreements: 2024-07-01 – 2025-06-30 and 2025-07-01 – 2025-12-31. */
const rules = async (terms: Array<[from: string, to: string]>, extra: Record<string, unknown> = {}) => {
  const files = structuredClone((await sampleRuleset()).files) as Record<string, unknown>;
  const demo = files['agreements/demo-2026.yaml'] as Record<string, unknown>;
  const ids = terms.map(([from, to], i) => {
    const id = `demo-past-${i}`;
    files[`agreements/${id}.yaml`] = { ...structuredClone(demo), id, validFrom: from, validTo: to, ...extra };
    return id;
  });
  (files['properties.yaml'] as { properties: Array<Record<string, unknown>> }).properties.find((p) => p.id === 'demo')!.pastAgreements = ids;
  return rulesetOf(files);
};

t.test('the agreement in force in a period', async (t) => {
  const demo = (
    await rules([
      ['2024-07-01', '2025-06-30'],
      ['2025-07-01', '2025-12-31'],
    ])
  ).property('demo')!;
  t.same(
    demo.agreements.map((a) => a.id),
    ['demo-past-0', 'demo-past-1', 'demo-2026'],
    'in the order of their terms',
  );
  t.equal(agreementInForce(demo, parsePeriod('2025-06')).id, 'demo-past-0');
  t.equal(agreementInForce(demo, parsePeriod('2025-Q3')).id, 'demo-past-1');
  t.equal(agreementInForce(demo, parsePeriod('2026')).id, 'demo-2026');
  t.equal(agreementInForce(demo, parsePeriod('2026')).timeZone, 'Asia/Shanghai', "the property's calendar when the agreement names none");
  t.throws(() => agreementInForce(demo, parsePeriod('2025')), {
    code: 'PERIOD_SPANS_AGREEMENTS',
    details: { agreements: [{ id: 'demo-past-0' }, { id: 'demo-past-1' }] },
  });
  t.throws(
    () => agreementInForce(demo, parsePeriod('2024')),
    { code: 'NO_AGREEMENT_IN_FORCE', details: { period: '2024', from: '2024-01-01', to: '2024-12-31' } },
    'half of 2024 has none',
  );
  t.throws(() => agreementInForce(demo, parsePeriod('2024-06')), { code: 'NO_AGREEMENT_IN_FORCE' });
  t.throws(() => agreementInForce(demo, parsePeriod('2027-01')), { code: 'NO_AGREEMENT_IN_FORCE', message: /demo-2026 \(2026-01-01 – 2026-12-31\)/ });
});

t.test('rules whose agreements of one property overlap, or name an unknown calendar, are refused', async (t) => {
  await t.rejects(rules([['2025-01-01', '2026-01-01']]), {
    code: 'RULESET_INVALID',
    details: {
      issues: [
        {
          file: 'properties.yaml',
          path: 'properties[0]',
          message: /demo-past-0 \(2025-01-01 – 2026-01-01\) and demo-2026 \(2026-01-01 – 2026-12-31\) overlap/,
        },
      ],
    },
  });
  await t.rejects(rules([['2025-01-01', '2025-12-31']], { calendar: 'nowhere' }), {
    code: 'RULESET_INVALID',
    details: { issues: [{ file: 'agreements/demo-past-0.yaml', path: 'calendar', message: /unknown calendar "nowhere"/ }] },
  });
});
