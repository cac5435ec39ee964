import fc from 'fast-check';
import t from 'tap';
import { kpiCasesAsOf, kpiCasesFromReadModel, readModelKpiCases } from '../../src/app/kpi-cases.js';
import { parsePeriod } from '../../src/domain/kpi/period.js';
import { complianceReport, type ComplianceReport } from '../../src/domain/kpi/report.js';
import { kpiIds } from '../../src/domain/ruleset/schema.js';
import { buildWorld, complaintBody, repairBody, runnerFor, type World } from '../projections/harness.js';
import { historyOf, stepArbitrary } from '../projections/histories.js';

/** Both reports of a world at its clock's instant: from the read model the projections built, and folded from the log. */
const bothPaths = async (world: World, periods: readonly string[]) => {
  const { db, runner } = runnerFor(world);
  await runner.start();
  await runner.waitUntilCaughtUp();
  await runner.stop();
  const now = world.clock.now();
  const agreement = world.ruleset.property('demo')!.agreementRules;
  const fromLog = await kpiCasesAsOf(world.store, world.rulesets, 'demo', now.epochMilliseconds);
  const reports = periods.map((id) => {
    const period = parsePeriod(id);
    const report = (cases: Parameters<typeof complianceReport>[0]['cases']) =>
      complianceReport({
        propertyId: 'demo',
        period,
        asOf: now.toString(),
        timeZone: 'Asia/Shanghai',
        agreement,
        rulesetVersion: world.ruleset.version,
        cases,
      });
    return { id, readModel: report(kpiCasesFromReadModel(db, 'demo', period)), streamed: report(readModelKpiCases(db, 'demo', period)), log: report(fromLog) };
  });
  db.close();
  return reports;
};

const figures = (report: ComplianceReport) => Object.fromEntries(report.kpis.map((k) => [k.id, k]));

/**
 * The report now comes from the read model; a report as of an instant is folded from the log.
 * Both must give the same figures for the same instant, whatever the histories.
 */
t.test('the read model and the log agree on every KPI', async (t) => {
  // Per KPI, the runs in which it had something decided: the histories must reach every line of the agreement.
  const decided = new Map<string, number>(kpiIds.map((id) => [id, 0]));
  await fc.assert(
    fc.asyncProperty(fc.array(stepArbitrary, { minLength: 10, maxLength: 40, size: 'max' }), async (steps) => {
      const world = await buildWorld();
      const step = historyOf(world);
      for (const s of steps) await step(s);
      const reports = await bothPaths(world, ['2026-03', '2026-Q1', '2026']);
      for (const { id, readModel, streamed, log } of reports) {
        t.same(readModel, log, `period ${id}`);
        t.same(streamed, readModel, `period ${id}, the read model's cases counted as they are read`);
      }
      // activity.count only in March, when the histories begin: the months before it are decided (failed) without any record.
      const decidedNow = new Set(
        reports.flatMap(({ id, log }) => log.kpis.filter((k) => k.denominator > 0 && (id === '2026-03' || k.id !== 'activity.count')).map((k) => k.id)),
      );
      for (const id of decidedNow) decided.set(id, decided.get(id)! + 1);
    }),
    { numRuns: 25 },
  );
  t.same(
    [...decided].filter(([, runs]) => runs === 0).map(([id]) => id),
    [],
    `every KPI was decided in some run: ${JSON.stringify(Object.fromEntries(decided))}`,
  );
});

/**
 * One fixed history with every kind of record, each KPI's figure worked out by hand: both paths
 * give it. March 2026, the demo property (1200 households, one activity a month, target 30 %).
 */
t.test('a fixed month of every record: both paths give the figures worked out by hand', async (t) => {
  const world = await buildWorld(); // Monday 2 March 2026, 09:00 in Beijing
  const { act, advance } = world;
  const visit = { propertyId: 'demo', unit: '3-2-1201', category: 'inquiry', description: '咨询停车', channel: 'walk_in', visitor: { name: '赵' } };
  const bill = (period: string, amountFen: number, dueDate: string) => ({ propertyId: 'demo', unit: '3-2-1201', period, amountFen, dueDate });
  const activity = (heldOn: string, participants: number) => ({ propertyId: 'demo', title: '社区活动', heldOn, participants });

  // Complaint and repair, all the way to their callbacks: the seven lines of before are decided too.
  await act('complaint', 'c1', 'receive', complaintBody);
  await act('repair', 'r1', 'report', repairBody);
  await act('visit', 'v1', 'receive', visit);
  await act('visit', 'v2', 'receive', visit);
  await act('visit', 'v3', 'receive', visit);
  await act('activity', 'a0', 'record', activity('2026-02-28', 600)); // held in February, recorded in March
  await act('activity', 'a1', 'record', activity('2026-03-02', 360)); // exactly 30 %
  await act('activity', 'a2', 'record', activity('2026-03-02', 240));
  await act('fee', 'f1', 'bill', bill('2026-03', 12000, '2026-03-25'));
  await act('fee', 'f2', 'bill', bill('2026-03', 30000, '2026-03-05'));
  await act('fee', 'f3', 'bill', bill('2026-03', 8000, '2026-03-31'));
  await act('fee', 'f4', 'bill', bill('2026-02', 9000, '2026-02-25'));
  await act('archive_check', 'ac1', 'record', { propertyId: 'demo', unit: '3-2-1201', correct: true });
  await act('archive_check', 'ac2', 'record', { propertyId: 'demo', unit: '7-1-101', correct: false, wrongFields: ['owner.phone'] });
  await act('inspection', 'i1', 'record', { propertyId: 'demo', procedure: 'gate-patrol', passed: true });
  await act('inspection', 'i2', 'record', { propertyId: 'demo', procedure: 'lift-check', passed: true });
  await act('inspection', 'i3', 'record', { propertyId: 'demo', procedure: 'cleaning-round', passed: false, findings: '记录缺项' });
  advance({ minutes: 10 });
  await act('repair', 'r1', 'dispatch', { technicianId: 'tech-7' });
  advance({ minutes: 10 });
  await act('visit', 'v1', 'answer', { answer: '已答复' }); // 20 min: in time
  await act('complaint', 'c1', 'acknowledge');
  await act('complaint', 'c1', 'assign', { department: 'security' });
  await act('repair', 'r1', 'accept');
  await act('repair', 'r1', 'arrive');
  advance({ minutes: 20 });
  await act('visit', 'v3', 'refer', { department: 'engineering' }); // 40 min: late
  await act('fee', 'f1', 'pay', { amountFen: 12000, method: 'wechat' });
  await act('fee', 'f2', 'pay', { amountFen: 10000, method: 'cash' });
  await act('fee', 'f2', 'waive', { amountFen: 5000, reason: '困难户减免' });
  await act('fee', 'f4', 'pay', { amountFen: 9000, method: 'transfer' });
  await act('fee', 'f4', 'refund', { amountFen: 1000, reason: '多收退回' });
  await act('activity', 'a2', 'correct-participation', { participants: 200, reason: '签到表复核' });
  await act('archive_check', 'ac2', 'correct', { note: '已更正电话' });
  await act('inspection', 'i3', 'rectify', { note: '已补记录' });
  advance({ hours: 2 });
  await act('complaint', 'c1', 'resolve', { resolution: '已处理' });
  await act('complaint', 'c1', 'notify-owner');
  await act('repair', 'r1', 'complete', { workDone: '更换阀门' });
  await act('repair', 'r1', 'verify', { accepted: true });
  advance({ hours: 2 });
  await act('complaint', 'c1', 'callback', { satisfaction: 'satisfied' });
  await act('complaint', 'c1', 'close');
  await act('repair', 'r1', 'callback', { satisfaction: 'dissatisfied' });
  await act('repair', 'r1', 'close'); // the demo agreement lets a repair close after any rating
  advance({ hours: 24 * 8 }); // 10 March, 13:40 local: f2 is overdue, f3 is not yet
  await act('visit', 'v4', 'receive', visit); // its clock still runs

  const [march, quarter] = await bothPaths(world, ['2026-03', '2026-Q1']);
  t.same(march!.readModel, march!.log, 'March: the read model and the log agree');
  t.same(quarter!.readModel, quarter!.log, 'Q1: the read model and the log agree');
  const m = figures(march!.log);
  t.same(Object.keys(m).sort(), [...kpiIds].sort(), 'all thirteen lines of the agreement');
  for (const id of kpiIds) t.ok(m[id]!.denominator > 0, `${id}: decided (${m[id]!.numerator}/${m[id]!.denominator})`);

  t.match(m['visit.reception_rate'], { measure: 'cases', numerator: 1, denominator: 3, pending: 1, failingCaseIds: ['v2', 'v3'], pendingCaseIds: ['v4'] });
  // Due: 12000 + (30000 − 5000 waived); collected 12000 + 10000; f3 not yet due; f4 billed for February.
  t.match(m['fee.collection_rate'], {
    measure: 'fen',
    numerator: 22000,
    denominator: 37000,
    pending: 1,
    failingCaseIds: ['f2'],
    pendingCaseIds: ['f3'],
    met: false,
  });
  t.match(m['activity.count'], { measure: 'months', perMonth: 1, numerator: 1, denominator: 1, pending: 0, failingCaseIds: [] });
  t.match(m['activity.participation'], { measure: 'households', numerator: 560, denominator: 2400, failingCaseIds: ['a2'] });
  t.match(m['archive.accuracy'], { measure: 'checks', numerator: 1, denominator: 2, failingCaseIds: ['ac2'] }, 'corrected later, still wrong when checked');
  t.match(m['inspection.pass_rate'], { measure: 'checks', numerator: 2, denominator: 3, failingCaseIds: ['i3'] });
  t.match(m['callback.rate'], { numerator: 2, denominator: 2 });
  t.match(m['satisfaction.rate'], { numerator: 1, denominator: 2, failingCaseIds: ['r1'] });

  const q = figures(quarter!.log);
  t.match(q['activity.count'], { numerator: 2, denominator: 3, failingCaseIds: ['2026-01'] }, 'February had a0, held then though recorded in March');
  t.match(q['activity.participation'], { numerator: 1160, denominator: 3600 });
  t.match(q['fee.collection_rate'], { numerator: 30000, denominator: 46000, failingCaseIds: ['f2', 'f4'] }, 'f4: 9000 paid, 1000 of it refunded');
});
