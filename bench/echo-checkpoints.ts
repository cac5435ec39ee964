/**
 * The echo baseline's log checkpoints, on a thread of their own as the server's projection thread
 * runs them (src/projections/thread/worker.ts): a PASSIVE checkpoint every second on a connection
 * of this thread, so that the durable echo's request thread commits and fsyncs as the server's
 * does, and never copies the WAL into the file itself.
 */
import { workerData } from 'node:worker_threads';
import { eventStoreFromConfig } from '../src/store/from-config.js';

const { dataDir, everyMs } = workerData as { dataDir: string; everyMs: number };
const { store } = eventStoreFromConfig({ DATA_DIR: dataDir });
setInterval(() => {
  try {
    store.checkpoint?.();
  } catch {
    // Retried at the next tick, as the server's thread does.
  }
}, everyMs);
