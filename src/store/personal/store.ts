import type { DomainEvent } from '../../domain/events/envelope.js';
import type { EventStore, Json, RecordedEvent, Subscription, SubscriptionMessage } from '../port.js';
import { personalFieldsOf, type PersonalVault } from './vault.js';

const VAULT = Symbol('personal data vault');

/** The record type of a record's stream (`complaint-<id>`) that keeps personal data, if it is one. */
const personalTypeOf = (stream: string): string | undefined => {
  const dash = stream.indexOf('-');
  const type = dash > 0 ? stream.slice(0, dash) : undefined;
  return type !== undefined && personalFieldsOf(type).length > 0 ? type : undefined;
};

/**
 * The store with personal data opened as it is read: each creating event of a record type that keeps
 * personal data gets `opened` beside its stored `data` (port.ts). Writing is left to the writers, who
 * seal before they append (`personalDataSealing`), because the hash chain covers the sealed form. Above
 * the port: every adapter, EventStoreDB's included, stores only what it is given.
 */
export const withPersonalData = <S extends EventStore>(store: S, vault: PersonalVault): S => {
  // Opened when first asked for: a reader of the whole log that never reads a record's data (the
  // staff directory's catch-up, an anchor) opens nothing.
  const opened = (event: RecordedEvent): RecordedEvent => {
    if (event.revision !== 0n) return event;
    const type = personalTypeOf(event.streamName);
    if (type === undefined) return event;
    let data: Json | undefined;
    let done = false;
    return Object.defineProperty({ ...event }, 'opened', {
      enumerable: true,
      get: () => {
        if (!done) {
          data = vault.open(type, event.data) as Json | undefined;
          done = true;
        }
        return data;
      },
    });
  };
  const subscribeToAll: EventStore['subscribeToAll'] = (options) => {
    const inner = store.subscribeToAll(options);
    const subscription: Subscription = {
      unsubscribe: () => inner.unsubscribe(),
      async *[Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
        for await (const message of inner) yield message.kind === 'event' ? { kind: 'event', event: opened(message.event) } : message;
      },
    };
    return subscription;
  };
  // Spread as the store's other wrappers do (outages.ts): an adapter is an object of closures.
  return {
    ...store,
    readStream: async (...args: Parameters<EventStore['readStream']>) => (await store.readStream(...args)).map(opened),
    readAll: async (...args: Parameters<EventStore['readAll']>) => (await store.readAll(...args)).map(opened),
    subscribeToAll,
    [VAULT]: vault,
  };
};

/** The vault of a store made by `withPersonalData`; undefined for a bare store (tests, tools that read no personal data). */
export const personalVaultOf = (store: EventStore): PersonalVault | undefined => (store as unknown as Record<symbol, PersonalVault | undefined>)[VAULT];

/**
 * How a record's writer stores what it decides: decide hashes a creating event over its data with the
 * personal fields sealed (`storedData`, given to decide: DecideContext), because the hash chain covers
 * what is stored, so that destroying a key later leaves every link verifiable; `stored` then gives
 * the decided events as they are appended, each creating event with the data sealed for it when it
 * was last decided. Without a vault (a bare store) or personal fields, the events as decided.
 */
export const personalDataSealing = (
  store: EventStore,
  caseType: string,
): { readonly storedData?: (data: unknown) => unknown; readonly stored: (events: readonly DomainEvent[]) => DomainEvent[] } => {
  const vault = personalVaultOf(store);
  if (!vault || personalFieldsOf(caseType).length === 0) return { stored: (events) => [...events] };
  // By the decided data's identity: decide returns the event with the very data it had sealed.
  const sealedOf = new WeakMap<object, unknown>();
  return {
    storedData: (data) => {
      const sealed = vault.seal(caseType, data);
      if (sealed !== data && typeof data === 'object' && data !== null) sealedOf.set(data, sealed);
      return sealed;
    },
    stored: (events) =>
      events.map((event) => {
        const sealed = typeof event.data === 'object' && event.data !== null ? sealedOf.get(event.data) : undefined;
        return sealed === undefined ? event : { ...event, data: sealed };
      }),
  };
};
