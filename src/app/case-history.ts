import { extendCachedCase, type CachedCase, type CaseCache } from './case-cache.js';
import { evolve, initialCaseState, type CaseState } from '../domain/case/state.js';
import type { DomainEvent } from '../domain/events/envelope.js';
import { recordOf, type RecordType } from '../domain/records.js';
import { streamName, toDomainEvent } from '../store/domain-event.js';
import { isStreamNotFound } from '../store/errors.js';
import type { EventStore, RecordedEvent } from '../store/port.js';

export { streamName, toDomainEvent } from '../store/domain-event.js';

export interface CaseHistory {
  readonly caseType: RecordType;
  readonly caseId: string;
  readonly events: readonly DomainEvent[];
  /** State after each event: states[i] follows events[i]. */
  readonly states: readonly CaseState<unknown>[];
  readonly state: CaseState<unknown>;
}

/**
 * A case's events and states. `probablyNew`: the caller expects most cases it loads not to exist
 * yet (an import), and a store that can tell so without a read (hasStream) is asked first.
 */
export const loadCase = async (
  store: EventStore,
  caseType: RecordType,
  caseId: string,
  options: { readonly probablyNew?: boolean } = {},
): Promise<CaseHistory> => {
  const stream = streamName(caseType, caseId);
  let recorded: RecordedEvent[] = [];
  try {
    if (!options.probablyNew || !store.hasStream || (await store.hasStream(stream))) recorded = await store.readStream(stream);
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
  }
  const { lifecycle } = recordOf(caseType);
  const events = recorded.map((r) => toDomainEvent(caseType, r));
  const states: CaseState<unknown>[] = [];
  let state = initialCaseState(lifecycle);
  for (const event of events) {
    state = evolve(lifecycle, state, event);
    states.push(state);
  }
  return { caseType, caseId, events, states, state };
};

/** The events of a stream from `from` on; none when the stream does not exist. */
const readFrom = async (store: EventStore, stream: string, from?: bigint): Promise<RecordedEvent[]> => {
  try {
    return await store.readStream(stream, from === undefined ? undefined : { from });
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
    return [];
  }
};

/** Whether a stored event is the one an entry remembers as its last: same place, id and hash. */
const isLastOf = (entry: CachedCase, recorded: RecordedEvent | undefined): boolean =>
  recorded !== undefined &&
  recorded.revision === entry.state.revision &&
  recorded.id === entry.lastEventId &&
  (recorded.metadata as { integrity?: { hash?: unknown } } | null)?.integrity?.hash === entry.state.lastHash;

const foldInto = (caseType: RecordType, entry: CachedCase | undefined, recorded: readonly RecordedEvent[]): CachedCase | undefined => {
  if (recorded.length === 0) return entry;
  const { lifecycle } = recordOf(caseType);
  const events = recorded.map((r) => toDomainEvent(caseType, r));
  const state = events.reduce((current, event) => evolve(lifecycle, current, event), entry?.state ?? initialCaseState(lifecycle));
  return extendCachedCase(entry, events, state);
};

/**
 * A case as a command needs it: `undefined` while the stream does not exist. A cached entry is
 * used as it is when the store knows of nothing appended after it (`read: 'tail'` asks for a read
 * all the same); else only the stream's tail is read — from the remembered last event on, which
 * must still be there as remembered — or, without an entry, the whole stream. What the store
 * knows without a read can miss another process's append: the append's revision check catches
 * that, and a refusal must be decided again with `read: 'tail'`.
 */
export const catchUpCase = async (
  store: EventStore,
  cache: CaseCache,
  caseType: RecordType,
  caseId: string,
  read: 'tail' | 'if-unknown' = 'if-unknown',
): Promise<CachedCase | undefined> => {
  const stream = streamName(caseType, caseId);
  const cached = cache.get(stream);
  if (cached !== undefined) {
    if (read === 'if-unknown' && store.knownRevision?.(stream) === cached.state.revision) return cached;
    const tail = await readFrom(store, stream, cached.state.revision);
    if (isLastOf(cached, tail[0])) {
      const entry = foldInto(caseType, cached, tail.slice(1))!;
      cache.offer(stream, entry);
      return entry;
    }
    // The store does not hold what was remembered (it never should): read the case afresh.
    cache.forget(stream);
  }
  const entry = foldInto(caseType, undefined, await readFrom(store, stream));
  if (entry !== undefined) cache.offer(stream, entry);
  return entry;
};
