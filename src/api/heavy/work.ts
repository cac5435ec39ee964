import { readBody, type BodyInput } from './body.js';
import { runJob, type HeavyJob, type JobDeps, type JobKind, type JobResults } from './jobs.js';
import type { JobProgress } from './notice.js';

/** Where the heavy jobs run: on threads of their own (threads.ts) or on the request thread. */
export interface HeavyWork {
  /** Runs the job; an import's body is read from `input` as the job runs. */
  run<K extends JobKind>(job: Extract<HeavyJob, { kind: K }>, input?: BodyInput, options?: JobRunOptions): Promise<JobResults[K]>;
  /** Ends the threads: a job waiting or running is answered 503 SHUTTING_DOWN. */
  close(): Promise<void>;
  /** Jobs running and waiting now, for /metrics; none on the request thread. */
  stats?(): HeavyWorkStats;
}

export interface HeavyWorkStats {
  readonly running: number;
  readonly queued: number;
  /** The ids of the threads that finished a job so far (none is the request thread's, 0). */
  readonly threadIds: readonly number[];
}

export interface JobRunOptions {
  /** Told how far the job has come (an import's records), a few times a second at most. */
  readonly onProgress?: ((progress: JobProgress) => void) | undefined;
}

/**
 * The jobs on the request thread, each run as it comes, as before there were threads for them:
 * for a server on a store no thread can open (the in-memory one of the tests) and to compare answers with.
 */
export const onRequestThread = (deps: JobDeps): HeavyWork => ({
  run: async (job, input, options) => runJob({ ...deps, onProgress: options?.onProgress }, job, input ? await readBody(input) : undefined),
  close: async () => undefined,
});
