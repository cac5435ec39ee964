import type Database from 'better-sqlite3';
import { lifecycles } from '../../app/case-history.js';
import { evolve, initialCaseState, type CaseState } from '../../domain/case/state.js';
import type { CaseType } from '../../domain/events/envelope.js';
import { kpiCaseOf } from '../../domain/kpi/case.js';
import type { CaseFacts } from '../../domain/sla/milestones.js';
import type { ProjectedEvent, Projection } from '../projection.js';
import { caseRowOf } from './case-row.js';
import { writeCaseRow, writeClockRows, type WrittenRows } from './case-writes.js';
import { restoreCaseState } from './case-state.js';
import { clockRowsOf } from './clock-rows.js';
import { derivedInputsOf } from './inputs.js';
import { encodeKpiCase } from './kpi-column.js';
import { CASES_DDL, CASES_TEARDOWN, prepareCaseStatements, type CaseStatements } from './schema.js';

/** A case as its rows hold it. */
interface StoredState extends WrittenRows {
  readonly state: CaseState<unknown>;
  /** derivedInputsOf its facts. */
  readonly inputs: string;
}

interface TouchedCase {
  readonly caseType: CaseType;
  readonly caseId: string;
  state: CaseState<unknown>;
  /** The case as the batch found it; null for a case the batch opens. */
  readonly before: StoredState | null;
  lastRecordedAt: number;
  changed: boolean;
}

export const CASES_PROJECTION = 'cases';

/**
 * Cases whose state is kept from one batch to the next, most recently written last: in a
 * catch-up a case's events lie a few batches apart, and restoring it from its row (read, parse,
 * resolve the machine snapshot) cost more than folding its events.
 */
const RECENT_CASES = 5_000;

/**
 * The `cases`, `case_clocks` and `case_kpis` tables. Within a batch each case is folded event by
 * event and its rows are written once, at the end of the batch; a case not yet in the batch is
 * taken from the recent cases or restored from its row, so memory holds one batch's cases and
 * RECENT_CASES more, whatever the size of the log.
 */
export const casesProjection = (): Projection => {
  const statements = new WeakMap<Database.Database, CaseStatements>();
  const sqlOf = (db: Database.Database) => {
    let sql = statements.get(db);
    if (!sql) statements.set(db, (sql = prepareCaseStatements(db)));
    return sql;
  };
  const touched = new Map<string, TouchedCase>();
  // Valid while every batch it was filled from is committed: emptied when one is discarded or the tables dropped.
  let recentOf = new WeakMap<Database.Database, Map<string, StoredState>>();
  const recentIn = (db: Database.Database) => {
    let recent = recentOf.get(db);
    if (!recent) recentOf.set(db, (recent = new Map()));
    return recent;
  };

  const storedCase = (db: Database.Database, caseType: CaseType, caseId: string): StoredState | null => {
    const row = sqlOf(db).read.get(caseType, caseId);
    if (!row) return null;
    const state = restoreCaseState(caseType, row);
    return { state, inputs: derivedInputsOf({ caseType, facts: state.snapshot.facts } as CaseFacts), clocks: null, kpi: null };
  };

  const caseOf = (db: Database.Database, event: ProjectedEvent): TouchedCase => {
    const found = touched.get(event.streamName);
    if (found) return found;
    const { caseType } = event;
    const caseId = event.metadata.caseId;
    const before = recentIn(db).get(event.streamName) ?? storedCase(db, caseType, caseId);
    const state = before ? before.state : initialCaseState(lifecycles[caseType]);
    const entry = { caseType, caseId, state, before, lastRecordedAt: 0, changed: false };
    touched.set(event.streamName, entry);
    return entry;
  };

  return {
    name: CASES_PROJECTION,
    version: 3,
    appliesInMemory: true,
    setup(db) {
      db.exec(CASES_DDL);
    },
    teardown(db) {
      db.exec(CASES_TEARDOWN);
      statements.delete(db);
      recentOf.delete(db);
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
      entry.state = evolve(lifecycles[entry.caseType], entry.state, event);
      entry.lastRecordedAt = Date.parse(event.metadata.recordedAt);
      entry.changed = true;
    },
    endBatch(db, ctx) {
      const sql = sqlOf(db);
      const recent = recentIn(db);
      for (const [stream, entry] of touched) {
        if (!entry.changed) continue;
        const { state, caseId, caseType } = entry;
        const ruleset = ctx.ruleset(state.rulesetVersion!);
        const c = { caseType, facts: state.snapshot.facts } as CaseFacts;
        const inputs = derivedInputsOf(c);
        const { before } = entry;
        const stored = before !== null;
        writeCaseRow(sql, caseRowOf(c, caseId, state, ruleset, entry.lastRecordedAt), stored);
        recent.delete(stream);
        if (before !== null && inputs === before.inputs) {
          recent.set(stream, { state, inputs, clocks: before.clocks, kpi: before.kpi });
          continue;
        }
        const kpiCase = kpiCaseOf(caseType, caseId, c.facts, ruleset);
        const kpi = encodeKpiCase(kpiCase);
        if (kpi !== before?.kpi) sql.upsertKpi.run({ property_id: kpiCase.propertyId, received_date: kpiCase.receivedDate, case_type: caseType, case_id: caseId, kpi });
        const clocks = clockRowsOf(c, caseId, ruleset);
        writeClockRows(sql, caseType, caseId, clocks, before?.clocks ?? null, stored);
        recent.set(stream, { state, inputs, clocks, kpi });
      }
      for (const stream of recent.keys()) {
        if (recent.size <= RECENT_CASES) break;
        recent.delete(stream);
      }
      touched.clear();
    },
    discardBatch() {
      touched.clear();
      recentOf = new WeakMap();
    },
    storedRulesetVersions: (db) => sqlOf(db).rulesetVersions.all(),
  };
};
