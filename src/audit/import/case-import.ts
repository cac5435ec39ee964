/** One source case of an import (import.ts), decided against what its record holds and written whole. */
import { loadCase, streamName } from '../../app/case-history.js';
import { personalDataSealing } from '../../store/personal/store.js';
import type { Clock } from '../../runtime/clock.js';
import type { RulesetRegistry } from '../../ruleset/registry.js';
import type { CaseCommand } from '../../domain/case/command.js';
import { decide } from '../../domain/case/decide.js';
import { evolve, type CaseState } from '../../domain/case/state.js';
import type { Actor, DomainEvent } from '../../domain/events/envelope.js';
import { recordOf, type RecordType } from '../../domain/records.js';
import { isEngineError } from '../../errors.js';
import { isRevisionConflict, REVISION_CONFLICT } from '../../store/errors.js';
import { NO_STREAM, type EventStore, type Json } from '../../store/port.js';
import type { RowProblem } from './format.js';
import { contradiction, freshRows } from './applied.js';
import type { ImportRow } from './import-row.js';

export interface ImportDeps {
  readonly store: EventStore;
  readonly rulesets: RulesetRegistry;
  readonly clock: Clock;
}

const fieldOf = (error: unknown): string => {
  if (!isEngineError(error)) return 'row';
  switch (error.code) {
    case 'INVALID_COMMAND':
      return `fields.${String(error.details.field ?? '')}`.replace(/\.(payload|action)?$/, '') || 'fields';
    case 'OCCURRED_AT_REFUSED':
      return 'occurredAt';
    case 'FORBIDDEN':
      return 'propertyId';
    default:
      return 'action';
  }
};

type CasePlan =
  | { events: DomainEvent[]; revision: bigint | null; existed: boolean }
  /**
   * `fresh`: the rows of the case its record did not hold yet, the ones held back with the refused one; `action`: the refused row's;
   * `fault`: what the engine threw deciding the row, when the refusal is the engine's fault rather than the row's.
   */
  | { problem: RowProblem & { code?: string }; fresh?: ReadonlySet<number>; action?: string; fault?: unknown };

/** The code of a row the engine failed to decide: a fault of the engine, reported on the row, not a fault of the file. */
export const ENGINE_FAULT = 'INTERNAL' as const;

/** Appends of one record tried at most, when another writer (the deadline watcher, a person) appends to it in between. */
export const IMPORT_APPEND_ATTEMPTS = 3;

/** A row of a source record: where a fault happened, or where an import stopped. */
export interface RecordRow {
  readonly caseRef: string;
  readonly row: number;
}

/** Told of an engine fault on a row (the row refused, the import gone on): for a log. */
export type OnFault = (fault: unknown, at: RecordRow) => void;

/** A fault of the engine on a row, for a log: where, and the stack of what it threw. */
export const faultLine = (fault: unknown, at: RecordRow): string =>
  `import: the engine failed deciding row ${at.row} (record ${at.caseRef}); the record was refused and the import went on: ${
    fault instanceof Error ? (fault.stack ?? `${fault.name}: ${fault.message}`) : String(fault)
  }`;

/**
 * A row the engine failed on (it threw something else than its typed refusals): that record is
 * refused, and only it; the import goes on, and the fault is handed to whoever logs it.
 */
const faultProblem = (row: number, error: unknown): RowProblem & { code: string } => {
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    row,
    field: 'action',
    code: ENGINE_FAULT,
    message: `the engine failed deciding this row (${what}): nothing of its record was written and the import went on; a fault of the engine, not of the file`,
  };
};

/**
 * Decides the rows of one case its record does not hold yet (by their import keys: freshRows), in
 * memory, after everything the store holds of it — what an earlier run imported, and what the
 * deadline watcher or a person added since — and writes nothing. A row that contradicts the
 * record is reported with what the record holds.
 */
const planCase = async (
  deps: ImportDeps,
  caseType: RecordType,
  caseId: string,
  rows: readonly ImportRow[],
  options: {
    readonly authorize?: ((propertyId: string) => void) | undefined;
    readonly importedBy?: Actor | undefined;
    /** How the events are stored (personal fields sealed), when they are to be written. */
    readonly sealing?: ReturnType<typeof personalDataSealing> | undefined;
  },
): Promise<CasePlan> => {
  const { authorize, importedBy, sealing } = options;
  const lifecycle = recordOf(caseType).lifecycle;
  const history = await loadCase(deps.store, caseType, caseId, { probablyNew: true });
  let state: CaseState<unknown> = history.state;
  const events: DomainEvent[] = [];
  const now = deps.clock.now();
  const fresh = freshRows(history, rows);
  const rowsOf = (problem: RowProblem & { code?: string }, action: string) => ({ problem, fresh: new Set(fresh.map((f) => f.row.row)), action });
  for (const { row, key } of fresh) {
    const spec = lifecycle.commands.find((c) => c.name === row.action);
    if (spec && !spec.roles.includes(row.role)) {
      return rowsOf(
        {
          row: row.row,
          field: 'role',
          message: `role ${row.role} may not ${row.action} a ${caseType}; allowed: ${spec.roles.join(', ')}`,
          code: 'FORBIDDEN',
        },
        row.action,
      );
    }
    if (row.number !== undefined && spec && !spec.creates) {
      return rowsOf(
        {
          row: row.row,
          field: 'number',
          message: `a number is given with the row that creates the ${caseType}, not with ${row.action}`,
          code: 'INVALID_COMMAND',
        },
        row.action,
      );
    }
    const command: CaseCommand = {
      caseId,
      name: row.action,
      payload: row.fields,
      ...(row.number === undefined ? {} : { number: row.number }),
      commandId: key,
      actor: { id: row.actor, role: row.role },
      occurredAt: row.occurredAt,
      correlationId: `import-${caseId}`,
    };
    try {
      const propertyId = state.propertyId ?? (row.fields.propertyId as string | undefined);
      if (propertyId !== undefined) authorize?.(propertyId);
      const decided = decide(lifecycle, state, command, {
        now,
        ruleset: deps.rulesets.current,
        imported: true,
        ...(importedBy ? { importedBy } : {}),
        ...(sealing?.storedData ? { storedData: sealing.storedData } : {}),
      });
      for (const event of decided) state = evolve(lifecycle, state, event);
      events.push(...decided);
    } catch (error) {
      if (!isEngineError(error)) return { ...rowsOf(faultProblem(row.row, error), row.action), fault: error };
      const problem = { row: row.row, field: fieldOf(error), message: error.message, code: error.code };
      return rowsOf(contradiction(history, state, row, problem, error), row.action);
    }
  }
  return { events, revision: history.state.revision, existed: history.state.revision !== null };
};

export interface CaseImportOptions {
  readonly dryRun: boolean;
  readonly authorize?: ((propertyId: string) => void) | undefined;
  readonly importedBy?: Actor | undefined;
}

/**
 * What became of a case: its events decided (and, but in a dry run, written), `existed` when its
 * record held events before; or the row refused, with `fresh`, the rows held back with it.
 */
export type CaseOutcome =
  | { readonly events: number; readonly existed: boolean }
  | {
      readonly problem: RowProblem & { readonly code?: string };
      readonly fresh?: ReadonlySet<number> | undefined;
      /** The action of the row refused. */
      readonly action?: string | undefined;
      /** What the engine threw, when the row was refused for the engine's fault (code ENGINE_FAULT). */
      readonly fault?: unknown;
    };

/**
 * Decides a case's rows (planCase) and appends its events in one atomic write; a dry run writes
 * nothing. When another writer appended to the record in between (the deadline watcher, a person:
 * the server runs beside a migration), the rows are decided again after what it wrote, up to
 * IMPORT_APPEND_ATTEMPTS times; then the record is refused, to be imported by a later run.
 */
export const importCase = async (
  deps: ImportDeps,
  caseType: RecordType,
  caseId: string,
  rows: readonly ImportRow[],
  options: CaseImportOptions,
  attempt = 1,
): Promise<CaseOutcome> => {
  // A dry run writes nothing, so it seals nothing: no data key is taken for it.
  const sealing = options.dryRun ? undefined : personalDataSealing(deps.store, caseType);
  const plan = await planCase(deps, caseType, caseId, rows, { authorize: options.authorize, importedBy: options.importedBy, sealing });
  if ('problem' in plan) return plan;
  const decided = { events: plan.events.length, existed: plan.existed };
  if (decided.events === 0 || !sealing) return decided;
  // Returned, not awaited: the events are let go once the store has them, not kept until it
  // answers — hundreds of records wait for their write at once (docs/performance.md).
  return deps.store
    .appendToStream(
      streamName(caseType, caseId),
      sealing.stored(plan.events).map((e) => ({
        id: e.id,
        type: e.type,
        data: e.data as Json,
        metadata: e.metadata as unknown as Json,
      })),
      { expectedRevision: plan.revision ?? NO_STREAM },
    )
    .then(
      () => decided,
      (error: unknown): Promise<CaseOutcome> | CaseOutcome => {
        if (!isRevisionConflict(error)) throw error;
        if (attempt < IMPORT_APPEND_ATTEMPTS) return importCase(deps, caseType, caseId, rows, options, attempt + 1);
        return {
          problem: {
            row: rows[0]!.row,
            field: 'row',
            code: REVISION_CONFLICT,
            message: `the record changed while it was imported, ${attempt} times (another writer appended to it): nothing of these rows was written; run the import again`,
          },
        };
      },
    );
};
