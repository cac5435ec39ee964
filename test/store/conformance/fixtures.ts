import { randomUUID } from 'node:crypto';
import type { EventStore, EventToAppend, Json, RecordedEvent, SubscriptionMessage } from '../../../src/store/port.js';

export type MakeStore = () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>;

/** Guarantees some adapters give beyond the port. */
export interface Capabilities {
  /**
   * An event id exists once in the whole log, so an append reusing ids anywhere but as an
   * exact retry is refused. The embedded stores enforce it with a unique key; EventStoreDB
   * only recognises retries at the same place and would store such events again.
   */
  readonly uniqueEventIds?: boolean;
}

/** Opens a store for one test and closes it when the test ends. */
export const openStore = async (t: { teardown(fn: () => unknown): void }, makeStore: MakeStore): Promise<EventStore> => {
  const { store, cleanup } = await makeStore();
  t.teardown(cleanup);
  return store;
};

/** A fresh stream-name prefix, so tests never see each other's streams. */
export const freshPrefix = (): string => `t${randomUUID().slice(0, 8)}-`;

export const anEvent = (type = 'ComplaintReceived', data: Json = {}, metadata: Json = {}): EventToAppend => ({
  id: randomUUID(),
  type,
  data,
  metadata,
});

export const events = (count: number, type?: string): EventToAppend[] => Array.from({ length: count }, (_, index) => anEvent(type, { index }));

/** The part of the global log that belongs to one test. */
export const readOwnLog = async (store: EventStore, prefix: string): Promise<RecordedEvent[]> =>
  (await store.readAll()).filter((event) => event.streamName.startsWith(prefix));

const STALL_TIMEOUT_MS = 10_000;

/** One message, or a failure when none comes for a while: a stalled subscription fails the test instead of hanging it. */
const nextOrStall = async <T>(messages: AsyncIterator<T>, received: number): Promise<IteratorResult<T>> => {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`subscription stalled after ${received} messages`)), STALL_TIMEOUT_MS);
  });
  try {
    return await Promise.race([messages.next(), stalled]);
  } finally {
    clearTimeout(timer);
  }
};

/** Pulls messages up to and including the one `isLast` accepts. */
export const pullUntil = async (
  messages: AsyncIterator<SubscriptionMessage>,
  isLast: (message: SubscriptionMessage) => boolean,
): Promise<SubscriptionMessage[]> => {
  const received: SubscriptionMessage[] = [];
  for (;;) {
    const next = await nextOrStall(messages, received.length);
    if (next.done) throw new Error(`subscription ended after ${received.length} messages`);
    received.push(next.value);
    if (isLast(next.value)) return received;
  }
};

export const deliveredEvents = (messages: readonly SubscriptionMessage[]): RecordedEvent[] =>
  messages.flatMap((message) => (message.kind === 'event' ? [message.event] : []));

/** Stops at the `count`-th event. */
export const countEvents = (count: number) => {
  let seen = 0;
  return (message: SubscriptionMessage) => message.kind === 'event' && ++seen >= count;
};

export const hasCaughtUp = (message: SubscriptionMessage) => message.kind === 'caughtUp';
