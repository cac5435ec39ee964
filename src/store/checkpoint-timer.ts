import type { EventStore } from './port.js';

/** How often a thread that takes a writer's checkpoints over runs one. */
export const CHECKPOINT_EVERY_MS = 1_000;

/**
 * Checkpoints the store's log file every `everyMs` from the calling thread, for a writer that
 * leaves its checkpoints elsewhere (it only keeps a backstop): a checkpoint copies the WAL's pages
 * into the file and fsyncs it, which in the request thread stops intake while it runs
 * (docs/performance.md, "Log checkpoints"). A PASSIVE checkpoint never holds up the writer.
 * Should one fail, the next tries again, and the writer's backstop still bounds the WAL. Undefined
 * for a store that has no file to checkpoint (EventStoreDB).
 */
export const checkpointPeriodically = (store: EventStore, everyMs = CHECKPOINT_EVERY_MS): NodeJS.Timeout | undefined =>
  store.checkpoint &&
  setInterval(() => {
    try {
      store.checkpoint!();
    } catch {
      // Retried at the next tick; see above.
    }
  }, everyMs);
