/**
 * The EventStore port on EventStoreDB / KurrentDB, through `@eventstore/db-client`.
 *
 * - Appends pass the caller's deterministic event ids and exact expected revision; the server's
 *   idempotency check then makes a retried append a no-op that returns the original result, which
 *   is what lets transient failures be retried here.
 * - System events (`$`-prefixed type or stream) are never returned: the engine's log is its own.
 * - `caughtUp` is emitted when the server signals it (EventStoreDB 23.10 and later). Older servers
 *   never signal it: on them a subscription delivers the history and then live events seamlessly,
 *   and no `caughtUp` message is ever emitted.
 */
import { readFiltered } from './filtered-read.js';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  eventTypeFilter,
  excludeSystemEvents,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type Filter,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { StoreUnavailableError } from './errors.js';
import { appendSize, toClientEvent, toClientPosition, toClientRevision, toRecordedEvent } from './esdb-convert.js';
import { DEFAULT_RETRY, withRetry, type ErrorContext, type RetryPolicy } from './esdb-errors.js';
import { resubscribingSubscription } from './esdb-subscription.js';
import { firstRecordedAt, RECORDED_AT_LOOKBACK } from './last-recorded-at.js';
import {
  comparePositions,
  matchesFilter,
  type EventStore,
  type Position,
  type ReadAllOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionFilter,
} from './port.js';

export interface EsdbEventStoreOptions {
  /** `esdb://host:2113?tls=false`, `esdb://h1:2113,h2:2113,h3:2113`, `esdb+discover://dns:2113`… */
  readonly connectionString: string;
  /** Transient failures (unavailable, not leader, deadline) of appends and reads. */
  readonly retry?: Partial<RetryPolicy>;
  /** Delay between attempts to resubscribe a dropped subscription; it retries until unsubscribed. */
  readonly resubscribe?: Partial<Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>>;
}

/** $all is read in pages so that skipped system events never shorten a `maxCount` read. */
const ALL_PAGE = 1_000;
/** Pages of $all read backwards at most for the last event of the engine's that has a recordedAt. */
const SYSTEM_PAGES_LOOKED_THROUGH = 20;

const collect = async (read: AsyncIterable<ResolvedEvent>): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  for await (const resolved of read) {
    const event = toRecordedEvent(resolved);
    if (event) events.push(event);
  }
  return events;
};

/**
 * The server filters on one criterion; the other (and the exactness of event type names, which
 * the server matches as prefixes) is checked here with `matchesFilter`.
 */
const serverFilter = (filter: SubscriptionFilter | undefined): Filter => {
  if (filter?.streamPrefixes?.length) return streamNameFilter({ prefixes: [...filter.streamPrefixes] });
  if (filter?.eventTypes?.length) return eventTypeFilter({ prefixes: [...filter.eventTypes] });
  return excludeSystemEvents();
};

export const createEsdbEventStore = (options: EsdbEventStoreOptions): EventStore => {
  const client = EventStoreDBClient.connectionString(options.connectionString);
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const backoff = { ...DEFAULT_RETRY, ...options.resubscribe };
  const subscriptions = new Set<Subscription>();
  /** Calls accepted before close() are let finish before the connection goes. */
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;

  const open = (): boolean => !closed;
  const run = <T>(context: ErrorContext, operation: () => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new StoreUnavailableError('the EventStoreDB store is closed'));
    const call = withRetry(retry, context, operation, open);
    const settled: Promise<unknown> = call.then(
      () => inFlight.delete(settled),
      () => inFlight.delete(settled),
    );
    inFlight.add(settled);
    return call;
  };

  const readAllPage = (from: Position | 'start', maxCount: number): Promise<AllStreamResolvedEvent[]> =>
    run({}, async () => {
      const page: AllStreamResolvedEvent[] = [];
      const fromPosition = from === 'start' ? START : toClientPosition(from);
      for await (const resolved of client.readAll({ fromPosition, maxCount, direction: FORWARDS })) page.push(resolved);
      return page;
    });

  /** $all forwards from `from` (inclusive), up to maxCount events, a page at a time. */
  const readAllEvents = async (from: Position | 'start', maxCount: number): Promise<RecordedEvent[]> => {
    const events: RecordedEvent[] = [];
    let cursor: Position | 'start' = from;
    // Pages after the first start at the last event already read (starts are inclusive).
    let seen: Position | undefined;
    while (events.length < maxCount) {
      const page = await readAllPage(cursor, ALL_PAGE);
      for (const resolved of page) {
        const position = resolved.event?.position;
        if (seen && position && comparePositions(position, seen) <= 0) continue;
        const event = toRecordedEvent(resolved);
        if (event && events.length < maxCount) events.push(event);
      }
      const last = page.at(-1)?.event?.position;
      if (page.length < ALL_PAGE || !last) break;
      cursor = seen = { commit: last.commit, prepare: last.prepare };
    }
    return events;
  };

  return {
    appendToStream: (stream, events, { expectedRevision }) =>
      run({ stream, expected: expectedRevision, appendSize: appendSize(events) }, async () => {
        const result = await client.appendToStream(stream, events.map(toClientEvent), {
          expectedRevision: toClientRevision(expectedRevision),
        });
        const position = result.position;
        if (position && position.commit >= 0n && position.prepare >= 0n) {
          return { nextRevision: result.nextExpectedRevision, position: { commit: position.commit, prepare: position.prepare } };
        }
        // Some servers acknowledge an idempotent re-append (or any append, before 21.10) without
        // a position: the original one is that of the last event, read back.
        const [last] = await collect(client.readStream(stream, { fromRevision: result.nextExpectedRevision, maxCount: 1 }));
        return { nextRevision: result.nextExpectedRevision, position: last?.position ?? { commit: -1n, prepare: -1n } };
      }),

    readStream: (stream, { from, direction = 'forwards', maxCount } = {}) =>
      run({ stream }, async () => {
        const events = await collect(
          client.readStream(stream, {
            fromRevision: from ?? (direction === 'forwards' ? START : END),
            direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
            // A count of 0 still has to find out whether the stream exists.
            ...(maxCount === undefined ? {} : { maxCount: Math.max(maxCount, 1) }),
          }),
        );
        return maxCount === 0 ? [] : events;
      }),

    readAll: async ({ from = 'start', maxCount = Number.POSITIVE_INFINITY, filter }: ReadAllOptions = {}) => {
      // $all is read a page at a time whatever the filter: the filter is applied here.
      if (filter !== undefined) return readFiltered((at, count) => readAllEvents(at, count), from, maxCount, filter);
      return readAllEvents(from, maxCount);
    },

    // From the end of $all backwards, a page at a time, past the server's own events and those the filter leaves out.
    lastPosition: (filter) =>
      run({}, async () => {
        let fromPosition: typeof END | ReturnType<typeof toClientPosition> = END;
        for (;;) {
          let read = 0;
          let last: Position | undefined;
          for await (const resolved of client.readAll({ fromPosition, maxCount: ALL_PAGE, direction: BACKWARDS })) {
            read += 1;
            last = resolved.event?.position ?? last;
            const event = toRecordedEvent(resolved);
            if (event && matchesFilter(event, filter)) return event.position;
          }
          if (read < ALL_PAGE || !last) return undefined;
          fromPosition = toClientPosition(last);
        }
      }),

    // From the end of $all backwards, a page at a time: an idle server keeps writing its own
    // statistics there, so the engine's last event may lie behind many system events (not counted).
    lastRecordedAt: () =>
      run({}, async () => {
        const metadata = [];
        let fromPosition: typeof END | ReturnType<typeof toClientPosition> = END;
        for (let page = 0; page < SYSTEM_PAGES_LOOKED_THROUGH && metadata.length < RECORDED_AT_LOOKBACK; page++) {
          let read = 0;
          let last: Position | undefined;
          for await (const resolved of client.readAll({ fromPosition, maxCount: ALL_PAGE, direction: BACKWARDS })) {
            read += 1;
            last = resolved.event?.position ?? last;
            const event = toRecordedEvent(resolved);
            // A page's first event may repeat the last of the page before: harmless to a search for the first recordedAt.
            if (event) metadata.push(event.metadata);
          }
          if (read < ALL_PAGE || !last) break;
          fromPosition = toClientPosition(last);
        }
        return firstRecordedAt(metadata.slice(0, RECORDED_AT_LOOKBACK));
      }),

    subscribeToAll: ({ from = 'start', filter }: SubscribeOptions = {}) => {
      if (closed) throw new StoreUnavailableError('the EventStoreDB store is closed');
      const subscription = resubscribingSubscription({
        from,
        open: (start) =>
          client.subscribeToAll({
            fromPosition: start === 'start' ? START : toClientPosition(start),
            filter: serverFilter(filter),
          }),
        accept: (event) => matchesFilter(event, filter),
        backoff,
        onEnd: () => subscriptions.delete(subscription),
      });
      subscriptions.add(subscription);
      return subscription;
    },

    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions].map((subscription) => subscription.unsubscribe()));
      await Promise.all(inFlight);
      await client.dispose();
    },
  };
};
