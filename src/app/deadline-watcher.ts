import { randomUUID } from 'node:crypto';
import { records } from '../domain/records.js';
import type Database from 'better-sqlite3';
import { isRevisionMismatch, type CaseService, type ExecuteResult } from './case-service.js';
import type { Clock, ManualClock } from '../runtime/clock.js';
import type { RulesetRegistry } from '../ruleset/registry.js';
import { eventIdFor } from '../domain/case/decide.js';
import type { RecordType } from '../domain/records.js';
import { isEngineError } from '../errors.js';
import type { ProjectionRunner } from '../projections/runner.js';
import type { ReadModelHealth } from './read-model-health.js';
import { watcherGate } from './watcher-gate.js';
import { WATCHER_ACTOR, escalationCommandId, escalationReason, missCommandId, planMiss } from './watcher-plan.js';

export const DEFAULT_WATCH_INTERVAL_MS = 15_000;
export const DEFAULT_CATCH_UP_WAIT_MS = 10_000;
/** Re-checks of one clock when the case moved between reading it and appending. */
const ATTEMPTS = 3;

/** The part of a pino logger the watcher uses. */
export interface WatcherLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface DeadlineWatcherOptions {
  /** The read-model database holding `case_clocks` (filled by the projection runner). */
  readonly readModels: Database.Database;
  readonly cases: CaseService;
  /** The rulesets cases were opened under: a case's clocks are recomputed with its own. */
  readonly rulesets: RulesetRegistry;
  readonly clock: Clock | ManualClock;
  /**
   * The runner filling `readModels`. Each check first waits until it has applied the log as it
   * stood when the check began: a clock moved right after a case was opened must still find that
   * case's clocks among the candidates, not wait for the next poll.
   */
  readonly projections?: Pick<ProjectionRunner, 'waitUntilCaughtUp'>;
  /** The longest a check waits for `projections` before it checks what the read model holds; default 10 s. */
  readonly catchUpWaitMs?: number;
  /**
   * Whether the read model may be judged from: while it is failing, or behind beyond its bound, a
   * check records nothing (it would judge from clocks it cannot vouch for) and the next check after
   * it heals catches up. Without it, only a read model whose runner failed holds the checks.
   */
  readonly readModel?: Pick<ReadModelHealth, 'assess'>;
  /** Poll period; default 15 s. A manual clock also triggers a check whenever it is set. */
  readonly intervalMs?: number;
  readonly logger?: WatcherLogger;
}

export interface CheckResult {
  /** …DeadlineMissed events this check appended (commands another watcher had written do not count). */
  readonly recorded: number;
  /** ComplaintEscalated events this check appended. */
  readonly escalated: number;
  /** Candidates whose check failed (logged; retried on the next check). */
  readonly failed: number;
  /** Why the check judged nothing: the read model is failing or behind. */
  readonly skipped?: string;
}

export interface DeadlineWatcher {
  /** Checks now, then on every poll and every manual-clock change. */
  start(): void;
  /** Stops scheduling and waits for a check in progress. */
  stop(): Promise<void>;
  /** Runs a check (after the one in progress, if any) and reports what it appended. */
  checkNow(): Promise<CheckResult>;
  /** Settles when no check is running or queued. */
  idle(): Promise<void>;
}

interface CandidateRow {
  readonly case_type: RecordType;
  readonly case_id: string;
  readonly clock: string;
  readonly deadline: number;
}

/**
 * Candidates from the read model: clocks past their deadline without the stopping event and
 * without a recorded miss (a clock paused is missed only if the pause began after the
 * deadline), and complaints whose miss is recorded but whose escalation might not be (a crash
 * between the two appends). Only a nomination: each is re-checked against its case stream.
 *
 * Each part reads one partial index of case_clocks (running by deadline, paused, missed and
 * escalating), so a check reads the candidates and not every clock: it runs on the request
 * thread, where an OR over all running clocks stalls intake (docs/performance.md). The unary `+`
 * keeps SQLite from preferring the primary key's case_type prefix, which holds every complaint.
 */
/** The record types whose lifecycle reports a miss to management (an `escalate` command). */
const ESCALATING = Object.values(records)
  .filter((record) => record.lifecycle.commands.some((command) => command.name === 'escalate'))
  .map((record) => `'${record.type}'`)
  .join(', ');

export const CANDIDATES = `
SELECT case_type, case_id, clock, deadline FROM case_clocks
 WHERE stopped_at IS NULL AND ended_at IS NULL AND paused_since IS NULL AND miss_recorded = 0 AND deadline < @now
UNION
SELECT case_type, case_id, clock, deadline FROM case_clocks
 WHERE paused_since IS NOT NULL AND stopped_at IS NULL AND ended_at IS NULL AND miss_recorded = 0 AND deadline IS NOT NULL AND paused_since > deadline
UNION
SELECT case_type, case_id, clock, deadline FROM case_clocks
 WHERE miss_recorded = 1 AND escalate_on_miss = 1 AND ended_at IS NULL AND +case_type IN (${ESCALATING}) AND deadline IS NOT NULL
ORDER BY deadline, case_type, case_id, clock`;

const keyOf = (row: CandidateRow) => `${row.case_type}:${row.case_id}:${row.clock}:${row.deadline}`;
const isManual = (clock: Clock | ManualClock): clock is ManualClock => typeof (clock as Partial<ManualClock>).onChange === 'function';
const describe = (error: unknown) =>
  isEngineError(error) ? { code: error.code, message: error.message } : { message: error instanceof Error ? error.message : String(error) };

/**
 * The deadline watcher (docs/domain.md "Misses": a missed deadline is recorded as an event).
 * Each check reads the candidates from `case_clocks`, re-checks each clock from its case stream
 * (planMiss) and appends through the case service a `record-deadline-miss` command — dated at
 * the deadline itself — and, when the clock's policy escalates on a miss noticed live (within
 * sla.yaml `escalation.maxLateHours`, and not for a deadline that passed before the record was
 * imported), a complaint's `escalate` — under deterministic command ids. The stream decides, not the read model: a second watcher, a retry or a restart
 * finds the command in the stream and writes nothing; the miss is appended at the exact revision
 * it was checked against, so a case that moved meanwhile is checked again, not recorded blindly.
 */
export const createDeadlineWatcher = (options: DeadlineWatcherOptions): DeadlineWatcher => {
  const { readModels, cases, rulesets, clock, projections, readModel, logger } = options;
  const intervalMs = options.intervalMs ?? DEFAULT_WATCH_INTERVAL_MS;
  const catchUpWaitMs = options.catchUpWaitMs ?? DEFAULT_CATCH_UP_WAIT_MS;
  let statement: Database.Statement<[{ now: number }], CandidateRow> | undefined;
  /**
   * Each check's events carry its own correlation id: how a watcher tells the events it wrote
   * from identical ones another watcher wrote a moment before (the store acknowledges a re-append
   * of the same event ids at the same revision as a success, without writing).
   */
  const instance = randomUUID();
  let checks = 0;
  const wrote = async (result: ExecuteResult, caseType: RecordType, correlationId: string): Promise<boolean> => {
    if (result.replayed) return false;
    const stored = (await cases.load(caseType, result.caseId)).events[Number(result.revision)];
    return stored?.metadata.correlationId === correlationId;
  };
  /** Clocks whose stream holds everything due (or whose case ended): not loaded again while their row is unchanged. */
  let settled = new Set<string>();

  const settle = async (row: CandidateRow, correlationId: string, counts: { recorded: number; escalated: number }): Promise<void> => {
    const { case_type: caseType, case_id: caseId } = row;
    for (let attempt = 1; ; ) {
      const history = await cases.load(caseType, caseId);
      // Read after the case: no event the case holds is later than the detection time.
      const now = clock.now();
      const ruleset = history.state.rulesetVersion === null ? rulesets.current : await rulesets.get(history.state.rulesetVersion);
      const plan = planMiss(history, ruleset, row.clock, now);
      if (plan.kind === 'skip') {
        if (plan.final) settled.add(keyOf(row));
        return;
      }
      const { deadline, detection } = plan;
      const missId = missCommandId(caseType, caseId, plan.clock, deadline);
      try {
        if (plan.record) {
          // Pinned to the revision just checked: if the case moved (stopped, ended, paused), check again.
          const result = await cases.execute({
            caseType,
            expectedRevision: history.state.revision!,
            command: {
              caseId,
              name: 'record-deadline-miss',
              actor: WATCHER_ACTOR,
              commandId: missId,
              correlationId,
              payload: { clock: plan.clock, policyId: plan.policyId, deadline },
            },
          });
          if (await wrote(result, caseType, correlationId)) {
            counts.recorded += 1;
            const fields = { caseType, caseId, clock: plan.clock, policyId: plan.policyId, deadline };
            if (detection.kind === 'live') logger?.info(fields, 'deadline missed: recorded');
            else
              logger?.info(
                { ...fields, late: detection.reason, detail: detection.detail },
                'deadline missed: recorded at its deadline, noticed late: not escalated',
              );
          }
          // Whether it escalates is decided from the miss as stored (its recordedAt): look again.
          continue;
        }
        if (plan.escalate) {
          // Not pinned: once the miss is recorded, its escalation follows while the complaint is open.
          const result = await cases.execute({
            caseType,
            command: {
              caseId,
              name: 'escalate',
              actor: WATCHER_ACTOR,
              commandId: escalationCommandId(caseType, caseId, plan.clock, deadline),
              correlationId,
              causationId: eventIdFor(missId, 0),
              payload: { reason: escalationReason(plan.clock, plan.policyId, deadline), missed: { clock: plan.clock, policyId: plan.policyId, deadline } },
            },
          });
          if (await wrote(result, caseType, correlationId)) {
            counts.escalated += 1;
            logger?.info({ caseType, caseId, clock: plan.clock, deadline }, 'deadline missed: escalated');
          }
        }
        settled.add(keyOf(row));
        return;
      } catch (error) {
        if (!isRevisionMismatch(error) || attempt >= ATTEMPTS) throw error;
        attempt += 1;
      }
    }
  };

  const gate = watcherGate({ projections, readModel, catchUpWaitMs, logger });

  const runCheck = async (): Promise<CheckResult> => {
    const fit = await gate.fit();
    if (fit.kind === 'stopped') return { recorded: 0, escalated: 0, failed: 0 };
    if (fit.kind === 'unfit') return { recorded: 0, escalated: 0, failed: 0, skipped: fit.reason };
    statement ??= readModels.prepare<[{ now: number }], CandidateRow>(CANDIDATES);
    const rows = statement.all({ now: Number(clock.now().epochMilliseconds) });
    // Forget settled clocks that are no longer candidates (their row moved on), so the set stays small.
    const keys = new Set(rows.map(keyOf));
    settled = new Set([...settled].filter((key) => keys.has(key)));
    const counts = { recorded: 0, escalated: 0, failed: 0 };
    const correlationId = `deadline-watcher:${instance}:${++checks}`;
    for (const row of rows) {
      if (settled.has(keyOf(row))) continue;
      try {
        await settle(row, correlationId, counts);
      } catch (error) {
        counts.failed += 1;
        logger?.error({ caseType: row.case_type, caseId: row.case_id, clock: row.clock, err: describe(error) }, 'deadline watcher: check failed');
      }
    }
    return counts;
  };

  // One check at a time; a check asked for while one runs is queued once and shared.
  let running: Promise<CheckResult> | undefined;
  let queued: Promise<CheckResult> | undefined;
  const begin = (): Promise<CheckResult> => {
    const current = runCheck().finally(() => {
      if (running === current) running = undefined;
    });
    running = current;
    return current;
  };
  const checkNow = (): Promise<CheckResult> => {
    if (queued) return queued;
    if (!running) return begin();
    const next = running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return begin();
      });
    queued = next;
    return next;
  };
  const idle = async (): Promise<void> => {
    while (running || queued) await (queued ?? running)!.catch(() => undefined);
  };

  const trigger = () => {
    checkNow().catch((error: unknown) => logger?.error({ err: describe(error) }, 'deadline watcher: check failed'));
  };
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;

  return {
    start() {
      if (timer) return;
      timer = setInterval(trigger, intervalMs);
      timer.unref();
      if (isManual(clock)) unsubscribe = clock.onChange(trigger);
      trigger();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      unsubscribe?.();
      unsubscribe = undefined;
      // A check waiting for the read model gives up; later checks (checkNow) wait again.
      gate.stop();
      await idle();
      gate.reopen();
    },
    checkNow,
    idle,
  };
};
