import { isEngineError } from '../errors.js';
import type { ProjectionRunner } from '../projections/runner.js';
import type { ReadModelHealth } from './read-model-health.js';

/** The part of a pino logger the gate uses. */
interface GateLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const messageOf = (error: unknown) => (isEngineError(error) || error instanceof Error ? error.message : String(error));

/**
 * Whether a check of the deadline watcher may judge from the read model now. It first waits (at
 * most `catchUpWaitMs`) for the runner to apply the log as it stood when the check began, so that a
 * clock moved right after a case was opened finds that case's clocks; then, with `readModel`, it
 * asks whether the read model is failing or behind beyond its bound, and the check judges nothing
 * if so. A pause is logged as it begins and as it ends, not at every check.
 */
export const watcherGate = (options: {
  readonly projections?: Pick<ProjectionRunner, 'waitUntilCaughtUp'> | undefined;
  readonly readModel?: Pick<ReadModelHealth, 'assess'> | undefined;
  readonly catchUpWaitMs: number;
  readonly logger?: GateLogger | undefined;
}) => {
  const { projections, readModel, catchUpWaitMs, logger } = options;
  /** Settles when stop() is called, so that a check waiting for the read model gives up. */
  let stopped!: () => void;
  let stopping = new Promise<void>((resolve) => (stopped = resolve));
  /** Why checks are paused, while they are. */
  let pausedFor: string | undefined;

  /** How the wait ended: caught up, stopped, ran out (the lag is then judged below), or the runner failed. */
  const waitForReadModel = async (): Promise<{ kind: 'caught-up' | 'stopped' | 'late' } | { kind: 'failed'; error: unknown }> => {
    if (!projections) return { kind: 'caught-up' };
    let timeout: NodeJS.Timeout | undefined;
    const bound = new Promise<'late'>((resolve) => (timeout = setTimeout(() => resolve('late'), catchUpWaitMs)));
    try {
      const kind = await Promise.race([projections.waitUntilCaughtUp().then(() => 'caught-up' as const), stopping.then(() => 'stopped' as const), bound]);
      return { kind };
    } catch (error) {
      return { kind: 'failed', error };
    } finally {
      clearTimeout(timeout);
    }
  };

  /** Why the read model cannot be judged from now, or undefined when it can. */
  const unfitBecause = async (wait: Awaited<ReturnType<typeof waitForReadModel>>): Promise<string | undefined> => {
    if (readModel) {
      const verdict = await readModel.assess();
      return verdict.ready ? undefined : verdict.reason;
    }
    if (wait.kind === 'failed') return `the read model failed: ${messageOf(wait.error)}`;
    // Candidates are only nominations, each re-checked against its stream: a lagging read model misses some until the next check.
    if (wait.kind === 'late') logger?.info({ waitedMs: catchUpWaitMs }, 'deadline watcher: read model still catching up, checking what it holds');
    return undefined;
  };

  return {
    async fit(): Promise<{ kind: 'fit' | 'stopped' } | { kind: 'unfit'; reason: string }> {
      const wait = await waitForReadModel();
      if (wait.kind === 'stopped') return { kind: 'stopped' };
      const reason = await unfitBecause(wait);
      if (reason !== undefined) {
        if (pausedFor === undefined) logger?.error({ reason }, `deadline watcher paused: ${reason}; no miss is recorded until the read model heals`);
        pausedFor = reason;
        return { kind: 'unfit', reason };
      }
      if (pausedFor !== undefined) {
        logger?.info({ pausedFor }, 'deadline watcher resumed: the read model is well again');
        pausedFor = undefined;
      }
      return { kind: 'fit' };
    },
    /** Ends a wait in progress (the watcher stops). */
    stop: () => stopped(),
    /** Later checks wait again. */
    reopen: () => void (stopping = new Promise<void>((resolve) => (stopped = resolve))),
  };
};
