import { LRUCache } from 'lru-cache';
import type { CaseState } from '../domain/case/state.js';
import type { DomainEvent } from '../domain/events/envelope.js';

/** The revisions one command's events occupy in its case stream (inclusive). */
export interface CommandSpan {
  readonly first: bigint;
  readonly last: bigint;
}

/**
 * What the command path remembers of a case between two commands: the state after its last
 * stored event, that event's id, and where each command id of the stream landed.
 *
 * Only a hint: the store stays the truth. Whoever uses an entry reads the stream again from
 * `state.revision` on, and the first event read must be the one remembered here (same revision,
 * id and hash) before anything after it is folded in; otherwise the entry is dropped.
 */
export interface CachedCase {
  /** Never the initial state: only cases that exist are remembered. */
  readonly state: CaseState<unknown> & { readonly revision: bigint };
  readonly lastEventId: string;
  /**
   * Command id → span. Shared by the successive entries of one case and only ever added to,
   * with facts the store confirmed (read back, or appended at the exact revision expected):
   * an entry at revision r may see commands stored after r, so check `span.first <= r`.
   * Commands whose id was minted for one request are left out when they are appended (a case
   * worked on many times would otherwise keep an entry for each); read back, they are in.
   */
  readonly commands: Map<string, CommandSpan>;
}

/** The command span of `commandId` as far as this entry reaches, if the case holds it. */
export const commandSpan = (entry: CachedCase, commandId: string): CommandSpan | undefined => {
  const span = entry.commands.get(commandId);
  return span !== undefined && span.last <= entry.state.revision ? span : undefined;
};

/**
 * The entry after `events`, stored right after `entry` (or as a stream's first events when
 * `entry` is undefined), with `state` the fold of them. `indexCommand: false` leaves the events'
 * command out of the index: for a command id minted for one request, which no retry can name.
 */
export const extendCachedCase = (
  entry: CachedCase | undefined,
  events: readonly DomainEvent[],
  state: CaseState<unknown>,
  { indexCommand = true }: { readonly indexCommand?: boolean } = {},
): CachedCase => {
  if (state.revision === null || events.length === 0) throw new TypeError('a cached case holds at least one event');
  const commands = entry?.commands ?? new Map<string, CommandSpan>();
  let revision = entry ? entry.state.revision : -1n;
  for (const event of events) {
    revision += 1n;
    if (!indexCommand) continue;
    const { commandId } = event.metadata;
    const span = commands.get(commandId);
    if (span === undefined) commands.set(commandId, { first: revision, last: revision });
    else if (span.last === revision - 1n) commands.set(commandId, { first: span.first, last: revision });
  }
  if (revision !== state.revision) throw new TypeError(`cached case folded to ${state.revision}, its events end at ${revision}`);
  return { state: state as CachedCase['state'], lastEventId: events[events.length - 1]!.id, commands };
};

export interface CaseCache {
  /** The entry of a stream, now the most recently used. */
  get(stream: string): CachedCase | undefined;
  /** Keeps `entry` unless the cache already holds the stream at the same or a later revision. */
  offer(stream: string, entry: CachedCase): void;
  forget(stream: string): void;
  readonly size: number;
}

/** A least-recently-used cache of at most `capacity` cases; 0 remembers nothing. */
export const createCaseCache = (capacity: number): CaseCache => {
  if (!(Number.isInteger(capacity) && capacity >= 0)) throw new RangeError(`case cache capacity must be a whole number >= 0, got ${capacity}`);
  // Not a Map re-inserted on use with its first key evicted: V8 leaves deleted keys in place, and
  // finding the first key then walks past all of them (docs/performance.md, "Caches on the command path").
  const entries = capacity === 0 ? undefined : new LRUCache<string, CachedCase>({ max: capacity });
  return {
    get: (stream) => entries?.get(stream),
    offer(stream, entry) {
      const present = entries?.peek(stream);
      if (present !== undefined && present.state.revision >= entry.state.revision) return;
      entries?.set(stream, entry);
    },
    forget(stream) {
      entries?.delete(stream);
    },
    get size() {
      return entries?.size ?? 0;
    },
  };
};
