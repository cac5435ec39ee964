import t from 'tap';
import { complaintLifecycle } from '../../../src/domain/complaint/lifecycle.js';
import type { KpiCase } from '../../../src/domain/kpi/case.js';
import { kpiRecordOf } from '../../../src/domain/kpi/outcome.js';
import { parsePeriod } from '../../../src/domain/kpi/period.js';
import { complianceReport } from '../../../src/domain/kpi/report.js';
import { repairLifecycle } from '../../../src/domain/repair/lifecycle.js';
import { complaintBody, repairBody, run, sampleRuleset } from '../case/fixtures.js';

type Step = { name: string; payload?: unknown; now: string };
const complaint = (id: string, steps: Step[]) =>
  kpiRecordOf('complaint', id, run(complaintLifecycle, steps, {}, id).state.snapshot.facts, sampleRuleset) as KpiCase;
const repair = (id: string, steps: Step[]) => kpiRecordOf('repair', id, run(repairLifecycle, steps, {}, id).state.snapshot.facts, sampleRuleset) as KpiCase;
const report = (cases: KpiCase[], period: string, asOf: string) =>
  Object.fromEntries(
    complianceReport({
      propertyId: 'demo',
      period: parsePeriod(period),
      asOf,
      timeZone: 'Asia/Shanghai',
      agreement: sampleRuleset.property('demo')!.agreementRules,
      rulesetVersion: sampleRuleset.version,
      cases,
    }).kpis.map((k) => [k.id, k]),
  );

const receive = (now: string): Step => ({ name: 'receive', payload: complaintBody, now });
const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

t.test('a complaint received at 23:30 the day before the Spring Festival holiday', async (t) => {
  // 2026-02-14 23:30 Shanghai; the holiday runs 2026-02-15..23; 3 working days → end of Thu 26 Feb.
  const c = complaint('sf', [
    receive('2026-02-14T15:30:00Z'),
    { name: 'acknowledge', now: '2026-02-14T17:00:00Z' },
    { name: 'resolve', payload: { resolution: '节后第三天解决' }, now: '2026-02-26T15:59:00Z' },
  ]);
  t.equal(c.receivedDate, '2026-02-14', 'the local date, not the UTC one');
  t.equal(iso(c.response!.deadline), '2026-02-14T17:30:00.000Z');
  t.equal(iso(c.completion!.deadline), '2026-02-26T16:00:00.000Z');
  const r = report([c], '2026-02', '2026-03-01T00:00:00Z');
  t.match(r['complaint.timely_handling'], { numerator: 1, denominator: 1, pending: 0, value: 1, met: true });
  t.match(r['complaint.resolution_timely'], { numerator: 1, denominator: 1, met: true });
  t.match(r['complaint.resolution_rate'], { numerator: 1, denominator: 1 });
  t.equal(report([c], '2026-01', '2026-03-01T00:00:00Z')['complaint.timely_handling']!.denominator, 0, 'not in January');
});

t.test('pending while the deadline has not passed, failing once it has', async (t) => {
  const c = complaint('slow', [receive('2026-03-02T01:00:00Z')]);
  t.match(report([c], '2026-03', '2026-03-02T03:00:00Z')['complaint.timely_handling'], {
    numerator: 0,
    denominator: 0,
    pending: 1,
    value: null,
    met: null,
    pendingCaseIds: ['slow'],
  });
  t.match(report([c], '2026-03', '2026-03-02T03:00:00.001Z')['complaint.timely_handling'], { denominator: 1, failingCaseIds: ['slow'], met: false });
  t.match(
    report([c], '2026-03', '2026-03-02T03:00:00Z')['complaint.resolution_rate'],
    { numerator: 0, denominator: 1, pending: 0, failingCaseIds: ['slow'] },
    'an open complaint counts as unresolved',
  );
});

t.test('a repair paused across a weekend is completed in time', async (t) => {
  const r = repair('weekend', [
    { name: 'report', payload: repairBody, now: '2026-03-06T02:00:00Z' }, // Fri 10:00
    { name: 'dispatch', payload: { technicianId: 'tech-7' }, now: '2026-03-06T02:40:00Z' }, // 40 min: late
    { name: 'accept', now: '2026-03-06T02:45:00Z' },
    { name: 'pause', payload: { reason: 'owner_absent' }, now: '2026-03-06T10:00:00Z' }, // Fri 18:00, 8 h used
    { name: 'resume', now: '2026-03-09T00:00:00Z' }, // Mon 08:00
    { name: 'arrive', now: '2026-03-09T00:30:00Z' },
    { name: 'complete', payload: { workDone: '更换阀门' }, now: '2026-03-09T15:00:00Z' }, // Mon 23:00, 23 h used
  ]);
  t.equal(iso(r.completion!.deadline), '2026-03-09T16:00:00.000Z', '24 h + 62 h paused');
  const k = report([r], '2026-03', '2026-03-10T00:00:00Z');
  t.match(k['repair.completion_timely'], { numerator: 1, denominator: 1 });
  t.match(k['repair.response_timely'], { numerator: 0, denominator: 1, failingCaseIds: ['weekend'] });
  const stillPaused = repair('paused', [
    { name: 'report', payload: repairBody, now: '2026-03-06T02:00:00Z' },
    { name: 'dispatch', payload: { technicianId: 'tech-7' }, now: '2026-03-06T02:10:00Z' },
    { name: 'accept', now: '2026-03-06T02:15:00Z' },
    { name: 'pause', payload: { reason: 'awaiting_parts' }, now: '2026-03-06T10:00:00Z' },
  ]);
  t.match(
    report([stillPaused], '2026-03', '2026-03-20T00:00:00Z')['repair.completion_timely'],
    { pending: 1, denominator: 0 },
    'paused before its deadline: still pending weeks later',
  );
});

t.test('a general repair reclassified complex after 20 h is judged by 72 h from the report', async (t) => {
  const r = repair('reclass', [
    { name: 'report', payload: repairBody, now: '2026-03-02T01:00:00Z' },
    { name: 'dispatch', payload: { technicianId: 'tech-7' }, now: '2026-03-02T01:20:00Z' },
    { name: 'reclassify', payload: { complexity: 'complex', reason: '需更换立管' }, now: '2026-03-02T21:00:00Z' },
    { name: 'accept', now: '2026-03-02T21:10:00Z' },
    { name: 'arrive', now: '2026-03-02T22:00:00Z' },
    { name: 'complete', payload: { workDone: '更换立管' }, now: '2026-03-04T01:00:00Z' }, // 48 h
  ]);
  t.equal(r.completion!.policyId, 'repair.completion.complex');
  t.equal(iso(r.completion!.deadline), '2026-03-05T01:00:00.000Z');
  t.match(report([r], '2026-03', '2026-03-06T00:00:00Z')['repair.completion_timely'], { numerator: 1, denominator: 1, met: true });
});

t.test('withdrawn before the deadline is excluded; dissatisfied → reopened is unresolved; closed without callback counts against callback.rate', async (t) => {
  const withdrawn = complaint('w', [receive('2026-03-02T01:00:00Z'), { name: 'withdraw', payload: { reason: '业主已自行解决' }, now: '2026-03-02T02:00:00Z' }]);
  const reopened = complaint('r', [
    receive('2026-03-02T01:00:00Z'),
    { name: 'acknowledge', now: '2026-03-02T01:10:00Z' },
    { name: 'resolve', payload: { resolution: '已协调' }, now: '2026-03-02T05:00:00Z' },
    { name: 'callback', payload: { satisfaction: 'dissatisfied' }, now: '2026-03-02T08:00:00Z' },
    { name: 'reopen', payload: { reason: '仍有噪音' }, now: '2026-03-02T08:05:00Z' },
  ]);
  const unreachable = complaint('u', [
    receive('2026-03-02T01:00:00Z'),
    { name: 'acknowledge', now: '2026-03-02T01:10:00Z' },
    { name: 'resolve', payload: { resolution: '已处理' }, now: '2026-03-02T04:00:00Z' },
    { name: 'close', payload: { reason: 'owner unreachable after three calls' }, now: '2026-03-03T04:00:00Z' },
  ]);
  const happy = complaint('h', [
    receive('2026-03-02T01:00:00Z'),
    { name: 'acknowledge', now: '2026-03-02T01:10:00Z' },
    { name: 'resolve', payload: { resolution: '已处理' }, now: '2026-03-02T04:00:00Z' },
    { name: 'callback', payload: { satisfaction: 'very_satisfied' }, now: '2026-03-02T06:00:00Z' },
    { name: 'close', payload: {}, now: '2026-03-02T06:05:00Z' },
  ]);
  const k = report([withdrawn, reopened, unreachable, happy], '2026-03', '2026-03-04T00:00:00Z');
  t.match(k['complaint.timely_handling'], { numerator: 3, denominator: 3, pending: 0 }, 'the withdrawn complaint is not counted');
  t.match(k['complaint.resolution_rate'], { numerator: 2, denominator: 3, failingCaseIds: ['r'], met: false });
  t.match(k['callback.rate'], { numerator: 1, denominator: 2, failingCaseIds: ['u'], met: false });
  t.match(k['satisfaction.rate'], { numerator: 1, denominator: 2, failingCaseIds: ['r'] });
  t.match(
    k['complaint.resolution_timely'],
    { numerator: 2, denominator: 2, pending: 1, pendingCaseIds: ['r'] },
    'the reopened one is pending until its deadline',
  );
});

t.test('targets are compared exactly', async (t) => {
  const handled = (i: number) => complaint(`ok${i}`, [receive('2026-03-02T01:00:00Z'), { name: 'acknowledge', now: '2026-03-02T01:30:00Z' }]);
  const late = complaint('late', [receive('2026-03-02T01:00:00Z'), { name: 'acknowledge', now: '2026-03-02T03:30:00Z' }]);
  const fifty = [...Array.from({ length: 49 }, (_, i) => handled(i)), late];
  t.match(
    report(fifty, '2026-Q1', '2026-03-31T00:00:00Z')['complaint.timely_handling'],
    { numerator: 49, denominator: 50, value: 0.98, met: true },
    '49/50 meets ≥ 98%',
  );
  t.match(
    report(fifty.slice(1), '2026', '2026-03-31T00:00:00Z')['complaint.timely_handling'],
    { numerator: 48, denominator: 49, met: false },
    '48/49 does not',
  );
});
