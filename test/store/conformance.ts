/**
 * The event store contract, run against every adapter:
 *
 *   runConformance('sqlite', async () => ({ store, cleanup }))
 *
 * It assumes only the port: positions are compared, never counted; stream names carry a fresh
 * prefix per test and global reads are narrowed to it, so the suite also runs against a shared
 * server that holds other events. `cleanup` must tolerate a store that the test already closed.
 */
import { appendContract } from './conformance/append.js';
import { concurrencyContract } from './conformance/concurrency.js';
import type { MakeStore } from './conformance/fixtures.js';
import { readContract } from './conformance/reads.js';
import { subscriptionContract } from './conformance/subscription.js';

export type { MakeStore } from './conformance/fixtures.js';

export const runConformance = (name: string, makeStore: MakeStore): void => {
  appendContract(name, makeStore);
  readContract(name, makeStore);
  subscriptionContract(name, makeStore);
  concurrencyContract(name, makeStore);
};
