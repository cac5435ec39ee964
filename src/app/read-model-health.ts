import { EngineError } from '../errors.js';
import type { ProjectionHealth, ProjectionStatus } from '../projections/projection.js';
import type { ProjectionRunner } from '../projections/runner.js';

/** How long the oldest event not yet applied may wait before the read models count as behind. */
export const DEFAULT_MAX_LAG_SECONDS = 60;
/** How long a request waits for the read models to catch up before it is answered 503. */
export const DEFAULT_READ_MODEL_WAIT_MS = 10_000;
/** The wait a 503 asks for when nothing better is known. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;
/** A status asked only to say how far behind the read models are waits no longer than this. */
const STATUS_WAIT_MS = 1_000;
/** How long refusals share one status (real time). */
const STATUS_SHARED_MS = 1_000;

/** The read models' writes fail (a full disk, a dead projection thread…): what they hold cannot be vouched for. */
export class ReadModelsFailingError extends EngineError {
  readonly code = 'READ_MODELS_FAILING';
}
/** The read models did not catch up with the log within the wait: what they hold is out of date. */
export class ReadModelsBehindError extends EngineError {
  readonly code = 'READ_MODELS_BEHIND';
}

export type ReadModelSource = Pick<ProjectionRunner, 'status' | 'waitUntilCaughtUp' | 'health' | 'onHealth'>;

/** One projection as a 503, /readyz and the log describe it. */
export interface ProjectionReport {
  readonly projection: string;
  readonly failing: boolean;
  readonly code: string | null;
  readonly error: string | null;
  readonly consecutiveFailures: number;
  /** Unknown (null) when the runner could not be asked (its thread is down). */
  readonly lagEvents: number | null;
  readonly lagSeconds: number | null;
  readonly waitingSeconds: number | null;
}

export type ReadModelVerdict =
  | { readonly ready: true; readonly projections: ProjectionReport[] }
  | {
      readonly ready: false;
      readonly state: 'failing' | 'behind';
      readonly reason: string;
      readonly retryAfterSeconds: number;
      readonly projections: ProjectionReport[];
    };

/** The part of a pino logger the health uses. */
export interface HealthLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface ReadModelHealthOptions {
  readonly projections: ReadModelSource;
  /** DEFAULT_MAX_LAG_SECONDS unless set. */
  readonly maxLagSeconds?: number | undefined;
  /** DEFAULT_READ_MODEL_WAIT_MS unless set. */
  readonly waitMs?: number | undefined;
  readonly logger?: HealthLogger | undefined;
  /** Epoch ms of the clock the projections date their failures with. */
  readonly now: () => number;
}

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T | 'late'> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
};

const describeFailure = (h: ProjectionHealth) =>
  `projection ${h.name}: ${h.lastError?.code ? `${h.lastError.code}: ` : ''}${h.lastError?.message ?? 'failed'} (${h.consecutiveFailures} failed attempt${h.consecutiveFailures === 1 ? '' : 's'} in a row)`;

/**
 * Whether the read models can be answered from: failing (their last write failed and is being
 * retried), behind (the oldest event not yet applied waits longer than the bound) or well. The
 * API refuses reports with a 503 while they fail and waits a bounded time for them to catch up;
 * /readyz and the deadline watcher ask the same. It logs each failing streak once, as it begins
 * and as it ends, however many retries it takes.
 */
export const readModelHealth = (options: ReadModelHealthOptions) => {
  const { projections, logger, now } = options;
  const maxLagSeconds = options.maxLagSeconds ?? DEFAULT_MAX_LAG_SECONDS;
  const waitMs = options.waitMs ?? DEFAULT_READ_MODEL_WAIT_MS;

  const streaks = new Map<string, ProjectionHealth>();
  const recovered = (name: string, seen: ProjectionHealth) => {
    streaks.delete(name);
    const failingSeconds = seen.failingSince === null ? null : Math.max(0, (now() - seen.failingSince) / 1000);
    logger?.info(
      { projection: name, failedAttempts: seen.consecutiveFailures, failingSeconds, lastCode: seen.lastError?.code ?? null },
      `read model recovered: projection ${name} writes again after ${seen.consecutiveFailures} failed attempt${seen.consecutiveFailures === 1 ? '' : 's'}`,
    );
  };
  const logStreaks = (health: ProjectionHealth[]) => {
    for (const h of health) {
      const seen = streaks.get(h.name);
      if (h.failing) {
        if (!seen)
          logger?.warn(
            { projection: h.name, code: h.lastError?.code ?? null, error: h.lastError?.message ?? null, retryInMs: h.retryInMs },
            `read model failing: ${describeFailure(h)}; retried with backoff up to 30 s, reports answer 503 until it heals`,
          );
        streaks.set(h.name, h);
      } else if (seen) recovered(h.name, seen);
    }
    // A name no longer reported (a thread that died before naming its projections, started again) is well once the rest are.
    if (health.every((h) => !h.failing)) for (const [name, seen] of streaks) if (!health.some((h) => h.name === name)) recovered(name, seen);
  };
  logStreaks(projections.health());
  const unsubscribe = projections.onHealth(logStreaks);

  /** The runner's status, or null when it does not answer soon (its thread is down). */
  const statusNow = async (): Promise<ProjectionStatus[] | null> => {
    try {
      const status = await withTimeout(projections.status(), STATUS_WAIT_MS);
      return status === 'late' ? null : status;
    } catch {
      return null;
    }
  };
  const reports = (health: ProjectionHealth[], status: ProjectionStatus[] | null): ProjectionReport[] =>
    health.map((h) => {
      const s = status?.find((one) => one.name === h.name);
      return {
        projection: h.name,
        failing: h.failing,
        code: h.failing ? (h.lastError?.code ?? null) : null,
        error: h.failing ? (h.lastError?.message ?? null) : null,
        consecutiveFailures: h.consecutiveFailures,
        lagEvents: s?.lagEvents ?? null,
        lagSeconds: s?.lagSeconds ?? null,
        waitingSeconds: s?.waitingSeconds ?? null,
      };
    });
  /**
   * The status a refusal reports its lag from, shared by the refusals of one second: while the read
   * models fail, every report refused would otherwise have the log read after each checkpoint.
   */
  let shared: { readonly at: number; readonly status: Promise<ProjectionStatus[] | null> } | undefined;
  const recentStatus = () => {
    const at = performance.now();
    if (!shared || at - shared.at > STATUS_SHARED_MS) shared = { at, status: statusNow() };
    return shared.status;
  };
  const retryAfterOf = (failing: ProjectionHealth[]) => {
    const waits = failing.map((h) => h.retryInMs).filter((ms): ms is number => ms !== null);
    return waits.length === 0 ? DEFAULT_RETRY_AFTER_SECONDS : Math.min(60, Math.max(1, Math.ceil(Math.max(...waits) / 1000)));
  };

  const failingVerdict = async (failing: ProjectionHealth[]): Promise<ReadModelVerdict> => ({
    ready: false,
    state: 'failing',
    reason: `the read models are failing: ${failing.map(describeFailure).join('; ')}`,
    retryAfterSeconds: retryAfterOf(failing),
    projections: reports(projections.health(), await recentStatus()),
  });

  const assess = async (): Promise<ReadModelVerdict> => {
    const failing = projections.health().filter((h) => h.failing);
    if (failing.length > 0) return failingVerdict(failing);
    const status = await statusNow();
    const health = projections.health();
    if (status === null)
      return {
        ready: false,
        state: 'failing',
        reason: 'the projections do not answer',
        retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS,
        projections: reports(health, null),
      };
    const behind = status.filter((s) => s.waitingSeconds > maxLagSeconds);
    if (behind.length > 0)
      return {
        ready: false,
        state: 'behind',
        reason: `the read models are behind the log: ${behind
          .map((s) => `projection ${s.name} has ${s.lagEvents}${s.lagCapped ? '+' : ''} events to apply, the oldest ${Math.round(s.waitingSeconds)} s old`)
          .join('; ')}, more than the ${maxLagSeconds} s allowed`,
        retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS,
        projections: reports(health, status),
      };
    return { ready: true, projections: reports(health, status) };
  };

  const failingError = (verdict: ReadModelVerdict & { ready: false }) =>
    new ReadModelsFailingError(`${verdict.reason}; reports answer again once they heal`, {
      retryAfterSeconds: verdict.retryAfterSeconds,
      readModels: verdict.projections,
    });

  /** Throws ReadModelsFailingError (503) while a projection is failing; costs nothing otherwise. */
  const refuseIfFailing = async (): Promise<void> => {
    const failing = projections.health().filter((h) => h.failing);
    if (failing.length === 0) return;
    throw failingError((await failingVerdict(failing)) as ReadModelVerdict & { ready: false });
  };

  /**
   * Waits until the read models hold the log as it is now, at most `waitMs`: throws
   * ReadModelsFailingError when they fail (now or while waiting), ReadModelsBehindError when the
   * wait runs out. Never waits longer, whatever the projections do.
   */
  const caughtUp = async (): Promise<void> => {
    await refuseIfFailing();
    let outcome: 'caught-up' | 'late';
    try {
      outcome = await withTimeout(
        projections.waitUntilCaughtUp().then(() => 'caught-up' as const),
        waitMs,
      );
    } catch (error) {
      await refuseIfFailing();
      throw new ReadModelsFailingError(`the read models cannot be read: ${(error as Error).message}`, {
        retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS,
        readModels: reports(projections.health(), await statusNow()),
      });
    }
    if (outcome !== 'late') return;
    await refuseIfFailing();
    const status = await statusNow();
    const lag = status?.map((s) => `projection ${s.name} has ${s.lagEvents}${s.lagCapped ? '+' : ''} events to apply`).join('; ');
    throw new ReadModelsBehindError(`the read models did not catch up with the log within ${waitMs / 1000} s${lag ? `: ${lag}` : ''}`, {
      retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS,
      readModels: reports(projections.health(), status),
    });
  };

  return {
    assess,
    refuseIfFailing,
    caughtUp,
    /** Whether a projection fails now (no read of the log). */
    failing: () => projections.health().some((h) => h.failing),
    close: () => void unsubscribe(),
  };
};
export type ReadModelHealth = ReturnType<typeof readModelHealth>;
