/**
 * The echo baseline's log checkpoints, on a thread of their own as the server's projection thread
 * runs them, so that the durable echo's request thread commits and fsyncs as the server's does and
 * never copies the WAL into the file itself.
 */
import { workerData } from 'node:worker_threads';
import { checkpointPeriodically, storeCheckpoint } from '../src/store/checkpoint-timer.js';
import { eventStoreFromConfig } from '../src/store/from-config.js';

const { store } = eventStoreFromConfig({ DATA_DIR: (workerData as { dataDir: string }).dataDir });
// The timer keeps this thread alive until the echo process terminates it.
checkpointPeriodically([storeCheckpoint(store)]);
