import type Database from 'better-sqlite3';
import { lifecycles } from '../../app/case-history.js';
import { evolve, initialCaseState, type CaseState } from '../../domain/case/state.js';
import type { CaseType } from '../../domain/events/envelope.js';
import type { CaseFacts } from '../../domain/sla/milestones.js';
import type { ProjectedEvent, Projection } from '../projection.js';
import { caseRowOf } from './case-row.js';
import { restoreCaseState } from './case-state.js';
import { clockRowsOf } from './clock-rows.js';
import { derivedInputsOf } from './inputs.js';
import { CASES_DDL, CASES_TEARDOWN, prepareCaseStatements, type CaseStatements } from './schema.js';

interface TouchedCase {
  readonly caseType: CaseType;
  readonly caseId: string;
  state: CaseState<unknown>;
  /** The case as the batch found it: derivedInputsOf its facts and its kpi column; null for a case the batch opens. */
  readonly before: { readonly inputs: string; readonly kpi: string | null } | null;
  lastRecordedAt: number;
  changed: boolean;
}

export const CASES_PROJECTION = 'cases';

/**
 * The `cases` and `case_clocks` tables. Within a batch each case is folded event by event and
 * its rows are written once, at the end of the batch; a case not yet in the batch is restored
 * from its row, so memory holds one batch's cases, whatever the size of the log.
 */
export const casesProjection = (): Projection => {
  const statements = new WeakMap<Database.Database, CaseStatements>();
  const sqlOf = (db: Database.Database) => {
    let sql = statements.get(db);
    if (!sql) statements.set(db, (sql = prepareCaseStatements(db)));
    return sql;
  };
  const touched = new Map<string, TouchedCase>();

  const caseOf = (db: Database.Database, event: ProjectedEvent): TouchedCase => {
    const found = touched.get(event.streamName);
    if (found) return found;
    const { caseType } = event;
    const caseId = event.metadata.caseId;
    const row = sqlOf(db).read.get(caseType, caseId);
    const state = row ? restoreCaseState(caseType, row) : initialCaseState(lifecycles[caseType]);
    const before = row ? { inputs: derivedInputsOf({ caseType, facts: state.snapshot.facts } as CaseFacts), kpi: row.kpi } : null;
    const entry = { caseType, caseId, state, before, lastRecordedAt: 0, changed: false };
    touched.set(event.streamName, entry);
    return entry;
  };

  return {
    name: CASES_PROJECTION,
    version: 1,
    setup(db) {
      db.exec(CASES_DDL);
    },
    teardown(db) {
      db.exec(CASES_TEARDOWN);
      statements.delete(db);
      touched.clear();
    },
    apply(db, event) {
      const entry = caseOf(db, event);
      const applied = entry.state.revision;
      // Delivered again (at-least-once): the row already holds it.
      if (applied !== null && event.revision <= applied) return;
      const expected = applied === null ? 0n : applied + 1n;
      if (event.revision !== expected) {
        throw new Error(`${event.streamName}: event ${event.id} has revision ${event.revision}, the read model expected ${expected}`);
      }
      entry.state = { ...evolve(lifecycles[entry.caseType], entry.state, event), revision: event.revision };
      entry.lastRecordedAt = Date.parse(event.metadata.recordedAt);
      entry.changed = true;
    },
    endBatch(db, ctx) {
      const sql = sqlOf(db);
      for (const entry of touched.values()) {
        if (!entry.changed) continue;
        const { state, caseId } = entry;
        const ruleset = ctx.ruleset(state.rulesetVersion!);
        const c = { caseType: entry.caseType, facts: state.snapshot.facts } as CaseFacts;
        const unchanged = entry.before !== null && derivedInputsOf(c) === entry.before.inputs;
        sql.upsert.run(caseRowOf(c, caseId, state, ruleset, entry.lastRecordedAt, unchanged ? entry.before!.kpi ?? undefined : undefined));
        if (unchanged) continue;
        sql.dropClocks.run(entry.caseType, caseId);
        for (const row of clockRowsOf(c, caseId, ruleset)) sql.insertClock.run(row);
      }
      touched.clear();
    },
    discardBatch() {
      touched.clear();
    },
    storedRulesetVersions: (db) => sqlOf(db).rulesetVersions.all(),
  };
};
