/**
 * The event store contract, run against every adapter:
 *
 *   runConformance('sqlite', async () => ({ store, cleanup }), { uniqueEventIds: true })
 *
 * It assumes only the port: positions are compared, never counted; stream names carry a fresh
 * prefix per test and global reads are narrowed to it, so the suite also runs against a shared
 * server that holds other events. `cleanup` must tolerate a store that the test already closed.
 */
import { appendContract } from './conformance/append.js';
import { concurrencyContract } from './conformance/concurrency.js';
import type { Capabilities, MakeStore } from './conformance/fixtures.js';
import { readContract } from './conformance/reads.js';
import { subscriptionContract } from './conformance/subscription.js';

export type { Capabilities, MakeStore } from './conformance/fixtures.js';

export const runConformance = (name: string, makeStore: MakeStore, capabilities: Capabilities = {}): void => {
  appendContract(name, makeStore, capabilities);
  readContract(name, makeStore);
  subscriptionContract(name, makeStore);
  concurrencyContract(name, makeStore);
};
