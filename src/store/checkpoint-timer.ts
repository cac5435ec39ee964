import type { EventStore } from './port.js';
import { keepWalBounded, type CheckpointResult } from './wal-policy.js';

/** How often a thread that takes a writer's checkpoints over runs one. */
export const CHECKPOINT_EVERY_MS = 1_000;

/** Something with a WAL to checkpoint: the event store, or a read-model database. */
export type Checkpointable = (mode: 'passive' | 'truncate') => CheckpointResult;

/** The event store's checkpoint, for a store that has a file to checkpoint; undefined for EventStoreDB. */
export const storeCheckpoint = (store: EventStore): Checkpointable | undefined => {
  const checkpoint = store.checkpoint?.bind(store);
  return checkpoint && ((mode) => ({ busy: false, ...checkpoint(mode) }));
};

/**
 * Checkpoints each WAL every `everyMs` from the calling thread, for a writer that leaves its
 * checkpoints elsewhere (it only keeps a backstop): a checkpoint copies the WAL's pages into the
 * file and fsyncs it, which in the request thread stops intake while it runs (docs/performance.md,
 * "Log checkpoints"). A PASSIVE checkpoint never holds up the writer; past WAL_TRUNCATE_PAGES the
 * WAL is emptied with a brief wait (src/store/wal-policy.ts), so that it stays within its bound.
 * Should one fail, the next tries again, and the writer's backstop still bounds the WAL.
 */
export const checkpointPeriodically = (wals: readonly (Checkpointable | undefined)[], everyMs = CHECKPOINT_EVERY_MS): NodeJS.Timeout | undefined => {
  const present = wals.filter((wal): wal is Checkpointable => wal !== undefined);
  return present.length === 0
    ? undefined
    : setInterval(() => {
        for (const wal of present) {
          try {
            keepWalBounded(wal);
          } catch {
            // Retried at the next tick; see above.
          }
        }
      }, everyMs);
};
