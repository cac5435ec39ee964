import type { Pending } from './log-scan.js';
import type { Projection, ProjectionHealth, ProjectionStatus } from './projection.js';
import type { Position } from '../store/port.js';

/** What the runner knows of a projection, in memory. */
export interface ProjectionState {
  readonly projection: Pick<Projection, 'name' | 'version'>;
  readonly checkpoint: Position | null;
  /** recordedAt (epoch ms) of the event at the checkpoint. */
  readonly lastRecordedAt: number | null;
  readonly caughtUp: boolean;
  readonly running: boolean;
  readonly health: ProjectionHealth;
}

/** A projection's status: what the runner knows of it, and what the log holds after its checkpoint (`pending`), at `at` (epoch ms). */
export const statusOf = (state: ProjectionState, pending: Pending, at: number): ProjectionStatus => {
  const since = state.lastRecordedAt ?? pending.firstRecordedAt ?? at;
  const { failing, consecutiveFailures, lastError } = state.health;
  return {
    name: state.projection.name,
    version: state.projection.version,
    checkpoint: state.checkpoint,
    lagEvents: pending.count,
    lagCapped: pending.capped,
    lagSeconds: pending.count === 0 ? 0 : Math.max(0, (at - since) / 1000),
    waitingSeconds: pending.count === 0 ? 0 : Math.max(0, (at - (pending.firstRecordedAt ?? at)) / 1000),
    caughtUp: state.caughtUp && pending.count === 0,
    running: state.running,
    error: failing ? (lastError?.message ?? null) : null,
    failing,
    consecutiveFailures,
    lastErrorCode: lastError?.code ?? null,
  };
};
