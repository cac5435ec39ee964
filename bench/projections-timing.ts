/** What bench/projections.ts times: the baseline read of the log, and the compliance report over the rebuilt read model. */
import { readModelKpiCases } from '../src/app/kpi-cases.js';
import type { RulesetRegistry } from '../src/ruleset/registry.js';
import { parsePeriod } from '../src/domain/kpi/period.js';
import { complianceReport } from '../src/domain/kpi/report.js';
import { openReadModelDb } from '../src/projections/index.js';
import type { EventStore, Position } from '../src/store/port.js';

/** A plain sequential read of the whole log, page by page: the baseline. */
export const readEverything = async (store: EventStore): Promise<number> => {
  let count = 0;
  let from: Position | 'start' = 'start';
  for (;;) {
    const page = await store.readAll({ from, maxCount: 1_000 });
    const fresh = from === 'start' ? page : page.slice(1);
    count += fresh.length;
    if (page.length < 1_000) return count;
    from = page.at(-1)!.position;
  }
};

export interface Timing {
  readonly label: string;
  readonly events: number;
  readonly seconds: number;
}
export const timed = async (label: string, run: () => Promise<number>): Promise<Timing> => {
  const started = performance.now();
  const events = await run();
  return { label, events, seconds: (performance.now() - started) / 1000 };
};

/** The agreement compliance report of the demo property for 2026 over the rebuilt read model, as the API makes it now. */
export const timeComplianceReport = async (readModels: { file: string; rulesets: RulesetRegistry }): Promise<Timing | null> => {
  const db = openReadModelDb(readModels.file);
  const ruleset = readModels.rulesets.current;
  const property = ruleset.property('demo')!;
  const period = parsePeriod('2026');
  const started = performance.now();
  let counted = 0;
  const cases = (function* () {
    for (const c of readModelKpiCases(db, property.id, period)) {
      counted += 1;
      yield c;
    }
  })();
  complianceReport({
    propertyId: property.id,
    period,
    asOf: new Date().toISOString(),
    timeZone: property.timeZone,
    agreement: property.agreementRules,
    rulesetVersion: ruleset.version,
    cases,
  });
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return { label: 'compliance report (demo, 2026)', events: counted, seconds };
};
