import type { Worker } from 'node:worker_threads';
import { startSiblingWorker } from '../../runtime/sibling-worker.js';
import type { Clock } from '../../runtime/clock.js';
import type { EventStore } from '../../store/port.js';
import { RETRY_AFTER_SECONDS } from '../problem.js';
import { limitedChunks, type BodyInput } from './body.js';
import { deserializeError, HeavyWorkBusyError, HeavyWorkOutOfMemoryError, serializeError, ShuttingDownError } from './errors.js';
import type { HeavyJob } from './jobs.js';
import type { HeavyNotice, JobProgress } from './notice.js';
import type { FromThread, HeavyThreadData, ToThread } from './protocol.js';
import type { HeavyWork, HeavyWorkStats, JobRunOptions } from './work.js';

export interface HeavyThreadsOptions {
  /** At most this many jobs run at once, each on a thread of its own. */
  readonly threads: number;
  /** Jobs waiting for a thread beyond those; one more is refused with 503 and Retry-After. */
  readonly queue: number;
  /** The old-generation heap a thread may use, in MB: a job needing more ends its thread, not the server. */
  readonly heapMb: number;
  readonly data: HeavyThreadData;
  /** The server's store: an import's cases are appended through it, the log's only writer. */
  readonly store: EventStore;
  /** The server's clock: a job's time is never earlier than its reading when the job is sent. */
  readonly clock: Clock;
  /** Starts a thread (startHeavyWorker unless set). */
  readonly spawn?: ((data: HeavyThreadData, heapMb: number) => Worker) | undefined;
  /** What a thread has to say for the server's log (its priority, at start; an engine fault in an import's row). */
  readonly onNotice?: ((notice: HeavyNotice) => void) | undefined;
}

/** The threads run this module's sibling, worker.ts. */
export const startHeavyWorker = (data: HeavyThreadData, heapMb: number): Worker =>
  startSiblingWorker(import.meta.url, 'worker', { workerData: data, resourceLimits: { maxOldGenerationSizeMb: heapMb } });

interface Task {
  readonly job: HeavyJob;
  readonly input?: BodyInput | undefined;
  readonly onProgress?: ((progress: JobProgress) => void) | undefined;
  resolve(value: unknown): void;
  reject(error: Error): void;
  settled?: boolean;
}

interface Slot {
  readonly worker: Worker;
  running?: { id: number; task: Task } | undefined;
  failure?: Error | undefined;
}

/**
 * The heavy jobs (jobs.ts) on threads of their own, so that the request thread answers everyone
 * else while a report folds the log or an import is read: at most `threads` at once, `queue` more
 * waiting in order, and beyond them a 503 with Retry-After. An import is not queued: its body would
 * wait unread on its connection, where the request timeout cuts it off; it takes a free thread or
 * is answered 503 at once. Its bytes go to the thread chunk by chunk as they arrive, and its cases
 * come back one at a time to be appended by the server's store (docs/architecture.md, "Heavy work").
 *
 * A thread is started when first needed and kept; one that dies (out of memory, say) fails its job
 * and is replaced by the next job's. Idle threads do not keep the process alive.
 */
export const heavyThreads = (options: HeavyThreadsOptions): HeavyWork & { stats(): HeavyWorkStats } => {
  const spawn = options.spawn ?? startHeavyWorker;
  const slots: Slot[] = [];
  const queue: Task[] = [];
  const threadIds = new Set<number>();
  let nextId = 1;
  let closed = false;

  const settle = (task: Task, outcome: { value: unknown } | { error: Error }) => {
    if (task.settled) return;
    task.settled = true;
    if ('error' in outcome) task.reject(outcome.error);
    else task.resolve(outcome.value);
  };

  const post = (slot: Slot, message: ToThread, transfer: ArrayBuffer[] = []) => {
    if (!slot.failure) slot.worker.postMessage(message, transfer);
  };

  /** The import's body, passed on as it arrives; past the route's limit the job is told its input failed, and answered 413. */
  const pump = async (slot: Slot, id: number, task: Task, input: BodyInput) => {
    try {
      for await (const chunk of limitedChunks(input)) {
        // A copy of its own, moved (not copied again) to the thread: the socket's buffers are pooled.
        const own = new Uint8Array(chunk);
        post(slot, { op: 'input', id, chunk: own }, [own.buffer as ArrayBuffer]);
      }
      post(slot, { op: 'inputEnd', id });
    } catch (error) {
      post(slot, { op: 'inputFailed', id });
      settle(task, { error: error as Error });
    }
  };

  const appendForThread = (slot: Slot, message: Extract<FromThread, { op: 'append' }>) => {
    const { call } = message;
    options.store.appendToStream(message.stream, message.events, { expectedRevision: message.expectedRevision }).then(
      (result) => post(slot, { op: 'appended', call, ok: true, result }),
      (error: unknown) => {
        const serialized = serializeError(error);
        try {
          post(slot, { op: 'appended', call, ok: false, error: serialized });
        } catch {
          // Details that cannot cross (none should): the refusal still does, by its code and message.
          post(slot, { op: 'appended', call, ok: false, error: { ...serialized, details: undefined } });
        }
      },
    );
  };

  const begin = (slot: Slot, task: Task) => {
    const id = nextId++;
    slot.running = { id, task };
    slot.worker.ref();
    post(slot, { op: 'job', id, job: task.job, now: options.clock.now().toString() });
    if (task.input) void pump(slot, id, task, task.input);
  };

  const finished = (slot: Slot) => {
    slot.running = undefined;
    slot.worker.unref();
    const next = queue.shift();
    if (next) begin(slot, next);
  };

  const open = (): Slot => {
    const worker = spawn(options.data, options.heapMb);
    const slot: Slot = { worker };
    slots.push(slot);
    worker.on('message', (message: FromThread) => {
      if (message.op === 'notice') return options.onNotice?.({ level: message.level, message: message.message });
      if (message.op === 'append') return appendForThread(slot, message);
      const running = slot.running;
      if (!running || running.id !== message.id) return;
      if (message.op === 'progress') return running.task.onProgress?.(message.progress);
      threadIds.add(worker.threadId);
      settle(running.task, message.ok ? { value: message.value } : { error: deserializeError(message.error) });
      finished(slot);
    });
    worker.on('error', (error: Error & { code?: string }) => {
      slot.failure ??=
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new HeavyWorkOutOfMemoryError(
              `the job needed more memory than a heavy-work thread may use (HEAVY_THREAD_HEAP_MB=${options.heapMb}): for an import, send the file in parts`,
              { heapMb: options.heapMb },
            )
          : new Error(`the heavy-work thread failed: ${error.message}`, { cause: error });
    });
    worker.on('exit', (code) => {
      slots.splice(slots.indexOf(slot), 1);
      const failure = closed ? new ShuttingDownError('the server is shutting down; send the request again shortly') : slot.failure;
      slot.failure = failure ?? new Error(`the heavy-work thread exited with code ${code}`);
      if (slot.running) settle(slot.running.task, { error: slot.failure });
      slot.running = undefined;
      // The next job waiting takes a new thread.
      const next = closed ? undefined : queue.shift();
      if (next) begin(open(), next);
    });
    worker.unref();
    return slot;
  };

  const busy = (why: string) =>
    new HeavyWorkBusyError(`${why}; try again in ${RETRY_AFTER_SECONDS} s`, {
      retryAfterSeconds: RETRY_AFTER_SECONDS,
      running: slots.filter((s) => s.running).length,
      queued: queue.length,
    });

  const run = (job: HeavyJob, input?: BodyInput, progress?: JobRunOptions) =>
    new Promise<unknown>((resolve, reject) => {
      if (closed) return reject(new ShuttingDownError('the server is shutting down; send the request again shortly'));
      const task: Task = { job, input, resolve, reject, onProgress: progress?.onProgress };
      const idle = slots.find((s) => !s.running && !s.failure) ?? (slots.length < options.threads ? open() : undefined);
      if (idle) return begin(idle, task);
      if (input) return reject(busy(`all ${options.threads} heavy-work threads are busy, and an import waits for none`));
      if (queue.length >= options.queue) return reject(busy(`all ${options.threads} heavy-work threads are busy and ${queue.length} jobs wait`));
      queue.push(task);
    });

  return {
    run: run as HeavyWork['run'],
    async close() {
      if (closed) return;
      closed = true;
      for (const task of queue.splice(0)) settle(task, { error: new ShuttingDownError('the server is shutting down; send the request again shortly') });
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
    stats: () => ({ running: slots.filter((s) => s.running).length, queued: queue.length, threadIds: [...threadIds] }),
  };
};
