import type Database from 'better-sqlite3';
import type { CaseType } from '../domain/events/envelope.js';
import { kpiCaseOf, type KpiCase } from '../domain/kpi/case.js';
import { evolve, initialCaseState, type CaseState } from '../domain/case/state.js';
import type { Period } from '../domain/kpi/period.js';
import { decodeKpiCase } from '../projections/cases/kpi-column.js';
import { comparePositions, type EventStore, type Position } from '../store/port.js';
import { lifecycles, toDomainEvent } from './case-history.js';
import type { RulesetRegistry } from './rulesets.js';

/** The KPI inputs of a property's cases as the `cases` read model holds them now. */
export const kpiCasesFromReadModel = (db: Database.Database, propertyId: string, period: Period): KpiCase[] =>
  // A case received after the period cannot be closed or rated inside it.
  (db.prepare('SELECT kpi FROM case_kpis WHERE property_id = ? AND received_date <= ?').pluck().all(propertyId, period.to) as string[])
    .map((kpi) => decodeKpiCase(propertyId, kpi));

const PAGE = 5_000;

/**
 * The KPI inputs of a property's cases exactly as the engine knew them at `asOf`: every case
 * event recorded up to then, folded from the log itself, each case under the ruleset it was
 * received with. Independent of any read model, so an auditor can trust it on its own.
 */
export const kpiCasesAsOf = async (store: EventStore, rulesets: RulesetRegistry, propertyId: string, asOf: number): Promise<KpiCase[]> => {
  const states = new Map<string, { caseType: CaseType; caseId: string; state: CaseState<unknown> }>();
  // Read starts are inclusive: each page starts at the last event of the previous one, skipped.
  let from: Position | 'start' = 'start';
  for (;;) {
    const page = await store.readAll({ from, maxCount: PAGE });
    const fresh = from === 'start' ? page : page.filter((e) => comparePositions(e.position, from as Position) > 0);
    for (const recorded of fresh) {
      const caseType = recorded.streamName.startsWith('complaint-') ? 'complaint' : recorded.streamName.startsWith('repair-') ? 'repair' : undefined;
      if (!caseType) continue;
      const metadata = recorded.metadata as { propertyId?: string; recordedAt?: string };
      if (metadata.propertyId !== propertyId || Date.parse(metadata.recordedAt ?? '') > asOf) continue;
      const entry = states.get(recorded.streamName) ?? { caseType, caseId: recorded.streamName.slice(caseType.length + 1), state: initialCaseState(lifecycles[caseType]) };
      entry.state = evolve(lifecycles[caseType], entry.state, toDomainEvent(caseType, recorded));
      states.set(recorded.streamName, entry);
    }
    if (page.length < PAGE) break;
    from = page.at(-1)!.position;
  }
  const cases: KpiCase[] = [];
  for (const { caseType, caseId, state } of states.values()) {
    const ruleset = await rulesets.get(state.rulesetVersion!);
    cases.push(kpiCaseOf(caseType, caseId, state.snapshot.facts as never, ruleset));
  }
  return cases;
};
