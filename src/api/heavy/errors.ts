import { EngineError } from '../../errors.js';

export const HEAVY_WORK_BUSY = 'HEAVY_WORK_BUSY' as const;
/** Every heavy-work thread is busy and the queue is full (or, for an import, no thread is free): try again later. */
export class HeavyWorkBusyError extends EngineError {
  readonly code = HEAVY_WORK_BUSY;
}

export const HEAVY_WORK_OUT_OF_MEMORY = 'HEAVY_WORK_OUT_OF_MEMORY' as const;
/** The job needed more memory than a heavy-work thread may take (HEAVY_THREAD_HEAP_MB): the thread was ended, the server was not. */
export class HeavyWorkOutOfMemoryError extends EngineError {
  readonly code = HEAVY_WORK_OUT_OF_MEMORY;
}

export const SHUTTING_DOWN = 'SHUTTING_DOWN' as const;
/** The server is stopping: a job waiting or running is not finished. */
export class ShuttingDownError extends EngineError {
  readonly code = SHUTTING_DOWN;
}

/** An error as it crosses between threads: an engine error keeps its code and details, so the API answers it as it would have on the request thread. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string | undefined;
  readonly details?: Record<string, unknown> | undefined;
  readonly stack?: string | undefined;
}

class CrossedEngineError extends EngineError {
  constructor(
    readonly code: string,
    message: string,
    details: Record<string, unknown>,
    name: string,
  ) {
    super(message, details);
    this.name = name;
  }
}

export const serializeError = (error: unknown): SerializedError => {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = error instanceof EngineError ? { code: error.code, details: error.details } : {};
  return { name: error.name, message: error.message, stack: error.stack, ...code };
};

export const deserializeError = (serialized: SerializedError): Error => {
  const error =
    serialized.code === undefined
      ? Object.assign(new Error(serialized.message), { name: serialized.name })
      : new CrossedEngineError(serialized.code, serialized.message, serialized.details ?? {}, serialized.name);
  if (serialized.stack) error.stack = serialized.stack;
  return error;
};
