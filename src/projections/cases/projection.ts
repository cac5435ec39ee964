import type Database from 'better-sqlite3';
import { evolve, initialCaseState, type CaseState } from '../../domain/case/state.js';
import { clockSubjectOf, recordOf, type RecordFacts, type RecordType } from '../../domain/records.js';
import { kpiRecordOf } from '../../domain/kpi/outcome.js';
import { comparePositions, type Position } from '../../store/port.js';
import type { Projection, ProjectionContext } from '../projection.js';
import { caseRowOf, hasEnded } from './case-row.js';
import { writeCaseRow, writeClockRows, type WrittenRows } from './case-writes.js';
import { restoreCaseState } from './case-state.js';
import { clockRowsOf } from './clock-rows.js';
import { encodeKpiRecord } from '../../domain/kpi/codec.js';
import { CASES_DDL, CASES_TEARDOWN, prepareCaseStatements, type CaseStatements } from './schema.js';

/** A case as its rows hold it. */
interface StoredState extends WrittenRows {
  readonly state: CaseState<unknown>;
  /** Its record type's derivedInputs of its facts. */
  readonly inputs: string;
}

/** A case folded in memory further than its rows hold. */
interface HeldCase {
  readonly caseType: RecordType;
  readonly caseId: string;
  state: CaseState<unknown>;
  /** The case as its rows hold it; null for a case not stored. */
  readonly before: StoredState | null;
  lastRecordedAt: number;
  /** Its first event the rows do not hold. */
  readonly from: Position;
  /** The batch that event came in, counted from 0 by the batch ends. */
  readonly since: number;
}

/** What the projection keeps of one read-model database between events. */
interface Memory {
  /** In the order of their first unwritten event. */
  readonly held: Map<string, HeldCase>;
  /** Open cases whose rows hold all they know, most recently written last. */
  readonly recent: Map<string, StoredState>;
  batches: number;
  /**
   * The tables held no case when this memory began: every row since was written from events it
   * applied, so an event opening a case (revision 0) after all of those has no row to read.
   */
  readonly fresh: boolean;
  /** The latest event applied. */
  appliedThrough: Position | null;
}

export const CASES_PROJECTION = 'cases';

/**
 * Open cases whose state is kept once written, most recently written last: a case touched again
 * soon (in live batches, or after being held back its longest) is then not restored from its row
 * (read, parse, resolve the machine snapshot). Ended cases are not kept: in a rebuild they are
 * most cases, and none is touched again. Live, a case is kept from its second write on (see write).
 */
const RECENT_CASES = 5_000;
/**
 * During a catch-up, a case still open is written at the latest at the end of the HOLD_BATCHES-th
 * batch after the one that brought its first unwritten event, so that a rebuild writes most cases
 * once instead of once for every batch that touched them (docs/performance.md, "Projections").
 */
const HOLD_BATCHES = 2;
/** Most cases held back at once; beyond it those held longest are written. */
const HELD_CASES = 10_000;

export interface CasesProjectionOptions {
  /** 0 writes every case at the end of every batch. */
  readonly holdBatches?: number;
  /** Most cases held back at once (HELD_CASES unless set). */
  readonly heldCases?: number;
  /** Open cases kept once written (RECENT_CASES unless set). */
  readonly recentCases?: number;
}

/**
 * The `cases`, `case_clocks` and `case_kpis` tables. Each case is folded event by event in memory
 * and its rows are written at the end of a batch. During a catch-up, a case that is still open is
 * held back for up to HOLD_BATCHES batches, as its next events are likely near; an ended case is
 * written at the end of its batch. A case not in memory is restored from its row. Memory holds one
 * batch's cases (bounded by the runner's batchCases), the held cases and `recentCases` more,
 * whatever the size of the log.
 */
export const casesProjection = (options: CasesProjectionOptions = {}): Projection => {
  const holdBatches = options.holdBatches ?? HOLD_BATCHES;
  const heldCases = options.heldCases ?? HELD_CASES;
  const recentCases = options.recentCases ?? RECENT_CASES;
  const statements = new WeakMap<Database.Database, CaseStatements>();
  const sqlOf = (db: Database.Database) => {
    let sql = statements.get(db);
    if (!sql) statements.set(db, (sql = prepareCaseStatements(db)));
    return sql;
  };
  // Valid while every batch it was filled from is committed: emptied when one is discarded or the tables dropped.
  let memoryOf = new WeakMap<Database.Database, Memory>();
  const memoryIn = (db: Database.Database) => {
    let memory = memoryOf.get(db);
    if (!memory) memoryOf.set(db, (memory = { held: new Map(), recent: new Map(), batches: 0, fresh: sqlOf(db).isEmpty.get() === 1, appliedThrough: null }));
    return memory;
  };

  const storedCase = (db: Database.Database, caseType: RecordType, caseId: string): StoredState | null => {
    const row = sqlOf(db).read.get(caseType, caseId);
    if (!row) return null;
    const state = restoreCaseState(caseType, row);
    return { state, inputs: recordOf(caseType).derivedInputs(state.snapshot.facts), clocks: null, kpi: null };
  };

  /** The case's rows, from what they held before. */
  const write = (sql: CaseStatements, recent: Map<string, StoredState>, stream: string, held: HeldCase, ctx: ProjectionContext, catchingUp: boolean): void => {
    const { state, caseId, caseType, before } = held;
    const ruleset = ctx.ruleset(state.rulesetVersion!);
    const c = { caseType, facts: state.snapshot.facts } as RecordFacts;
    const stored = before !== null;
    writeCaseRow(sql, caseRowOf(c, caseId, state, ruleset, held.lastRecordedAt), stored);
    recent.delete(stream);
    // An ended case takes no more events, bar a rare late one: restoring it then costs a read. Live,
    // a case just opened is kept from its next write on: a burst of new cases, each waiting long for
    // its next event, would otherwise push out the cases being worked on.
    const keep = !hasEnded(caseType, state) && (stored || catchingUp);
    // Compared with the rows' and kept for the next write: a case opened and ended in one write needs neither.
    const inputs = stored || keep ? recordOf(caseType).derivedInputs(c.facts) : null;
    if (before !== null && inputs === before.inputs) {
      if (keep) recent.set(stream, { state, inputs, clocks: before.clocks, kpi: before.kpi });
      return;
    }
    const kpiCase = kpiRecordOf(caseType, caseId, c.facts, ruleset);
    const kpi = encodeKpiRecord(kpiCase);
    if (kpi !== before?.kpi)
      sql.upsertKpi.run({ property_id: kpiCase.propertyId, received_date: kpiCase.receivedDate, case_type: caseType, case_id: caseId, kpi });
    const clocks = clockRowsOf(clockSubjectOf(c), caseId, ruleset);
    writeClockRows(sql, caseType, caseId, clocks, before?.clocks ?? null, stored);
    if (keep) recent.set(stream, { state, inputs: inputs!, clocks, kpi });
  };

  return {
    name: CASES_PROJECTION,
    // 4: the records other than complaints and repairs are projected; a read model made before
    // had its checkpoint pass their streams without writing them. 5: the work-order number.
    // 6: the work queue of each record's state.
    version: 6,
    appliesInMemory: true,
    setup(db) {
      db.exec(CASES_DDL);
    },
    teardown(db) {
      db.exec(CASES_TEARDOWN);
      statements.delete(db);
      memoryOf.delete(db);
    },
    apply(db, event) {
      const memory = memoryIn(db);
      const { held, recent, batches } = memory;
      const unseen = memory.appliedThrough === null || comparePositions(event.position, memory.appliedThrough) > 0;
      if (unseen) memory.appliedThrough = event.position;
      let entry = held.get(event.streamName);
      if (entry === undefined) {
        const { caseType } = event;
        const caseId = event.metadata.caseId;
        const opens = memory.fresh && unseen && event.revision === 0n;
        const before = recent.get(event.streamName) ?? (opens ? null : storedCase(db, caseType, caseId));
        const applied = before?.state.revision ?? null;
        // Delivered again (at-least-once): the row already holds it.
        if (applied !== null && event.revision <= applied) {
          recent.set(event.streamName, before!);
          return;
        }
        const state = before ? before.state : initialCaseState(recordOf(caseType).lifecycle);
        entry = { caseType, caseId, state, before, lastRecordedAt: 0, from: event.position, since: batches };
        held.set(event.streamName, entry);
      }
      const applied = entry.state.revision;
      // Delivered again: folded already, not yet written.
      if (applied !== null && event.revision <= applied) return;
      const expected = applied === null ? 0n : applied + 1n;
      if (event.revision !== expected) {
        throw new Error(`${event.streamName}: event ${event.id} has revision ${event.revision}, the read model expected ${expected}`);
      }
      entry.state = evolve(recordOf(entry.caseType).lifecycle, entry.state, event);
      entry.lastRecordedAt = Date.parse(event.metadata.recordedAt);
    },
    endBatch(db, ctx, { catchingUp }) {
      const sql = sqlOf(db);
      const memory = memoryIn(db);
      const { held, recent } = memory;
      const batch = memory.batches++;
      const cases: Array<{ caseType: RecordType; caseId: string; propertyId: string }> = [];
      // The longest held are first: those beyond the bound are written whatever their state.
      let beyondBound = held.size - heldCases;
      for (const [stream, entry] of held) {
        const forced = beyondBound-- > 0;
        if (catchingUp && !forced && batch - entry.since < holdBatches && !hasEnded(entry.caseType, entry.state)) continue;
        write(sql, recent, stream, entry, ctx, catchingUp);
        held.delete(stream);
        cases.push({ caseType: entry.caseType, caseId: entry.caseId, propertyId: entry.state.propertyId! });
      }
      for (const stream of recent.keys()) {
        if (recent.size <= recentCases) break;
        recent.delete(stream);
      }
      const first = held.values().next();
      return { cases, heldFrom: first.done ? null : first.value.from };
    },
    discardBatch() {
      memoryOf = new WeakMap();
    },
    storedRulesetVersions: (db) => sqlOf(db).rulesetVersions.all(),
  };
};
