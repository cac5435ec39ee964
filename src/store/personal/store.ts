import type { DomainEvent } from '../../domain/events/envelope.js';
import { seal } from '../../domain/integrity.js';
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
 * seal before they append (`sealPersonalData`), because the hash chain covers the sealed form. Above
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
 * Events decided for a record, as they are stored: a creating event's personal fields sealed, and
 * the chain sealed again from `previousHash` over the sealed form (the hash covers what is stored,
 * so destroying a key later leaves every link verifiable). Without a vault, the events as decided.
 */
export const sealPersonalData = (store: EventStore, caseType: string, events: readonly DomainEvent[], previousHash: string | null): DomainEvent[] => {
  const vault = personalVaultOf(store);
  if (!vault || personalFieldsOf(caseType).length === 0 || !events.some((e) => e.metadata.integrity.previousHash === null)) return [...events];
  let previous = previousHash;
  return events.map((event) => {
    const data = event.metadata.integrity.previousHash === null ? vault.seal(caseType, event.data) : event.data;
    const { integrity: _, ...metadata } = event.metadata;
    const stored = seal({ id: event.id, type: event.type, data, metadata }, previous) as DomainEvent;
    previous = stored.metadata.integrity.hash;
    return stored;
  });
};
