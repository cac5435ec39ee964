import { recordTypes } from '../domain/records.js';
import { comparePositions, matchesFilter, type EventStore, type Position, type SubscriptionFilter } from '../store/port.js';

/**
 * The streams of every record type (`<type>-<id>` for each type of the registry): the log also
 * holds other streams (published rulesets), which projections skip.
 */
export const CASE_EVENTS: SubscriptionFilter = { streamPrefixes: recordTypes.map((type) => `${type}-`) };

/** Most events status() counts behind a checkpoint: beyond it the lag reads as this number, capped. */
export const LAG_COUNT_LIMIT = 10_000;
const PAGE = 1_000;

export interface Pending {
  /** Matching events after `after`, up to `limit`. */
  readonly count: number;
  readonly capped: boolean;
  /** The last matching event seen (the head of the log, unless capped). */
  readonly last: Position | undefined;
  /** recordedAt (epoch ms) of the first matching event after `after`. */
  readonly firstRecordedAt: number | undefined;
}

const recordedAtOf = (metadata: unknown): number | undefined => {
  const value = (metadata as { recordedAt?: unknown } | null)?.recordedAt;
  return typeof value === 'string' ? Date.parse(value) : undefined;
};

/** Reads the log after `after` (null: from the start) and counts what a projection has still to apply. */
export const pendingAfter = async (store: EventStore, after: Position | null, filter: SubscriptionFilter = CASE_EVENTS, limit = Infinity): Promise<Pending> => {
  let count = 0;
  let last: Position | undefined;
  let firstRecordedAt: number | undefined;
  let from: Position | 'start' = after ?? 'start';
  for (;;) {
    const page = await store.readAll({ from, maxCount: PAGE });
    for (const event of page) {
      // readAll starts at `from` inclusively: the checkpoint's own event is already applied.
      if (after && comparePositions(event.position, after) <= 0) continue;
      if (!matchesFilter(event, filter)) continue;
      count += 1;
      last = event.position;
      firstRecordedAt ??= recordedAtOf(event.metadata);
      if (count >= limit) return { count, capped: true, last, firstRecordedAt };
    }
    if (page.length < PAGE) return { count, capped: false, last, firstRecordedAt };
    from = page.at(-1)!.position;
    after = from;
  }
};

/**
 * The position of the last event `filter` matches: where a projection that has applied everything
 * stands. Read from the end of the log where the store can (lastPosition), since a wait for the
 * read models asks it on every report, and the log before a projection's checkpoint can be long.
 */
export const logHead = async (store: EventStore, filter: SubscriptionFilter = CASE_EVENTS): Promise<Position | undefined> =>
  store.lastPosition ? store.lastPosition(filter) : (await pendingAfter(store, null, filter)).last;
