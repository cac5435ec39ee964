import fc from 'fast-check';
import t from 'tap';
import { kpiCasesAsOf, kpiCasesFromReadModel, readModelKpiCases } from '../../src/app/kpi-cases.js';
import { parsePeriod } from '../../src/domain/kpi/period.js';
import { complianceReport } from '../../src/domain/kpi/report.js';
import { buildWorld, runnerFor } from '../projections/harness.js';
import { historyOf, stepArbitrary } from '../projections/histories.js';

/**
 * The report now comes from the read model; a report as of an instant is folded from the log.
 * Both must give the same figures for the same instant, whatever the histories.
 */
t.test('the read model and the log agree on every KPI', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.array(stepArbitrary, { minLength: 5, maxLength: 40 }), async (steps) => {
      const world = await buildWorld();
      const step = historyOf(world);
      for (const s of steps) await step(s);
      const { db, runner } = runnerFor(world);
      await runner.start();
      await runner.waitUntilCaughtUp();
      const now = world.clock.now();
      const agreement = world.ruleset.property('demo')!.agreementRules;
      for (const id of ['2026-03', '2026-Q1', '2026']) {
        const period = parsePeriod(id);
        const report = (cases: Parameters<typeof complianceReport>[0]['cases']) =>
          complianceReport({ propertyId: 'demo', period, asOf: now.toString(), timeZone: 'Asia/Shanghai', agreement, rulesetVersion: world.ruleset.version, cases });
        const fromReadModel = report(kpiCasesFromReadModel(db, 'demo', period));
        const fromLog = report(await kpiCasesAsOf(world.store, world.rulesets, 'demo', now.epochMilliseconds));
        t.same(fromReadModel, fromLog, `period ${id}`);
        t.same(report(readModelKpiCases(db, 'demo', period)), fromReadModel, `period ${id}, the read model's cases counted as they are read`);
      }
      await runner.stop();
      db.close();
    }),
    { numRuns: 25 },
  );
});
