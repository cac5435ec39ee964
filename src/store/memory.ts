/**
 * The in-memory adapter, for unit tests: the same rules as the SQLite store (shared in
 * append-rules.ts), without durability. Payloads are kept serialised so that a caller
 * mutating an object after appending or reading cannot rewrite history.
 */
import { DEFAULT_MAX_EVENT_BYTES, planAppend, recordedEvent, sequencePosition, serializeForAppend, type StoredEvent } from './append-rules.js';
import { StoreUnavailableError, StreamNotFoundError } from './errors.js';
import { matchesFilter, type EventStore, type Position, type RecordedEvent } from './port.js';
import { firstRecordedAt, RECORDED_AT_LOOKBACK } from './last-recorded-at.js';
import { createSubscriptionHub } from './log-subscription.js';

export interface MemoryEventStoreOptions {
  readonly maxEventBytes?: number;
}

export const createMemoryEventStore = (options: MemoryEventStoreOptions = {}): EventStore => {
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  /** The global log; an event's position is its index + 1. */
  const log: StoredEvent[] = [];
  const streams = new Map<string, number[]>();
  const indexById = new Map<string, number>();
  let closed = false;

  const ensureOpen = () => {
    if (closed) throw new StoreUnavailableError('the in-memory event store is closed');
  };
  const recorded = (index: number): RecordedEvent => recordedEvent(log[index]!, BigInt(index + 1));
  const firstIndexAfter = (after: Position | 'start'): number => (after === 'start' ? 0 : Number(after.commit));
  const take = (from: number, maxCount = Infinity): RecordedEvent[] =>
    log.slice(from, from + Math.max(0, maxCount)).map((_, offset) => recorded(from + offset));

  const lastRevision = (stream: string): bigint | undefined => {
    const indexes = streams.get(stream);
    return indexes ? BigInt(indexes.length - 1) : undefined;
  };

  const hub = createSubscriptionHub((after, limit) => {
    ensureOpen();
    return take(firstIndexAfter(after), limit);
  });

  return {
    async appendToStream(stream, events, { expectedRevision }) {
      ensureOpen();
      const serialized = serializeForAppend(stream, events, maxEventBytes);
      const plan = planAppend(stream, serialized, expectedRevision, {
        currentRevision: lastRevision,
        placementOf: (id) => {
          const index = indexById.get(id);
          return index === undefined ? undefined : recorded(index);
        },
      });
      if (plan.kind === 'retried') return plan.result;
      const indexes = streams.get(stream) ?? [];
      streams.set(stream, indexes);
      serialized.forEach((event, offset) => {
        indexById.set(event.id, log.length);
        indexes.push(log.length);
        log.push({ ...event, streamName: stream, revision: plan.firstRevision + BigInt(offset) });
      });
      hub.committed();
      return { nextRevision: BigInt(indexes.length - 1), position: sequencePosition(BigInt(log.length)) };
    },

    async readStream(stream, { from, direction = 'forwards', maxCount = Infinity } = {}) {
      ensureOpen();
      const indexes = streams.get(stream);
      if (!indexes) throw new StreamNotFoundError(stream);
      const last = indexes.length - 1;
      const selected =
        direction === 'forwards'
          ? indexes.slice(from === undefined ? 0 : Number(from))
          : indexes.slice(0, from === undefined ? last + 1 : Math.min(Number(from), last) + 1).reverse();
      return selected.slice(0, Math.max(0, maxCount)).map(recorded);
    },

    async hasStream(stream) {
      ensureOpen();
      return streams.has(stream);
    },

    // The whole store lives in this object: it always knows.
    knownRevision: lastRevision,

    async readAll({ from = 'start', maxCount, filter } = {}) {
      ensureOpen();
      // Inclusive: the event at `from` is position `from.commit`, index one less.
      const first = from === 'start' ? 0 : Math.max(0, Number(from.commit) - 1);
      if (filter === undefined) return take(first, maxCount);
      return take(first)
        .filter((event) => matchesFilter(event, filter))
        .slice(0, maxCount === undefined ? undefined : Math.max(0, Math.floor(maxCount)));
    },

    async lastPosition(filter) {
      ensureOpen();
      for (let index = log.length - 1; index >= 0; index--) if (matchesFilter(log[index]!, filter)) return sequencePosition(BigInt(index + 1));
      return undefined;
    },

    async lastRecordedAt() {
      ensureOpen();
      return firstRecordedAt(
        log
          .slice(-RECORDED_AT_LOOKBACK)
          .reverse()
          .map((event) => JSON.parse(event.metadata)),
      );
    },

    subscribeToAll: (options) => hub.subscribe(options),

    async close() {
      closed = true;
      hub.closed();
    },
  };
};
