import type { Position } from '../../store/port.js';
import type { CaseCounts, DashboardFigures, DashboardFiguresQuery } from '../dashboard-queries.js';
import type { AppliedSummary, ProjectionHealth, ProjectionStatus } from '../projection.js';

/** What the projection thread is started with: where the log and the read models are, and the rules. */
export interface ProjectionThreadData {
  readonly dataDir: string;
  readonly eventStoreConnectionString?: string | undefined;
  /** The current ruleset's files as parsed: the thread builds the same ruleset (same version) from them. */
  readonly rulesetFiles: Readonly<Record<string, unknown>>;
  /** Set when the server runs on a manual clock: the thread's clock starts there and follows it. */
  readonly manualClockAt?: string | undefined;
  /** How often the thread checkpoints the log file (an embedded store's); default 1 s. */
  readonly checkpointEveryMs?: number | undefined;
  /** How many nice steps the thread takes below the request thread (see priority.ts); 0 or unset: none. */
  readonly yieldSteps?: number | undefined;
  /** The key of the phones' digests in the search projection, hex-encoded (the server resolves it once: phone-digest.ts). */
  readonly phoneDigestKey?: string | undefined;
  /** The master key of the personal data's keys (keys.db in dataDir), hex-encoded, and where it came from: the thread opens records' personal fields to digest their phones. */
  readonly masterKey?: { readonly hex: string; readonly source: string } | undefined;
}

/** The runner's methods, asked of the thread; each answered once, by its id. */
export type RunnerCall =
  | { readonly op: 'start' }
  | { readonly op: 'stop' }
  | { readonly op: 'rebuild'; readonly name: string }
  | { readonly op: 'status' }
  | { readonly op: 'waitUntilCaughtUp' }
  | { readonly op: 'waitForPosition'; readonly position: Position }
  /** Not a runner's: the read model's counts for /metrics and a dashboard's figures, run on the thread's connection. */
  | { readonly op: 'caseCounts'; readonly now: number }
  | { readonly op: 'dashboardFigures'; readonly q: DashboardFiguresQuery };

export type ToThread =
  | ({ readonly id: number } & RunnerCall)
  /** The server's store committed appends: the thread's subscriptions read them. */
  | { readonly op: 'committed' }
  /** The manual clock moved. */
  | { readonly op: 'clock'; readonly now: string };

export type FromThread =
  | { readonly id: number; readonly ok: true; readonly value?: ProjectionStatus[] | CaseCounts | DashboardFigures }
  | { readonly id: number; readonly ok: false; readonly message: string }
  | { readonly applied: AppliedSummary }
  /** The projections' failures, at start and whenever they change (runner.onHealth). */
  | { readonly health: ProjectionHealth[] }
  /** Something for the server's log, from the thread's start. */
  | { readonly notice: ThreadNotice };

export interface ThreadNotice {
  readonly level: 'info' | 'warn';
  readonly message: string;
}
