import { comparePositions, matchesFilter, type Position, type RecordedEvent, type SubscriptionFilter } from './port.js';

/** A page of the log from `from` (inclusive), at most `count` events, in order. */
export type ReadPage = (from: Position | 'start', count: number) => Promise<readonly RecordedEvent[]> | readonly RecordedEvent[];

const PAGE = 1_000;

/**
 * Reads the log forwards from `from` (inclusive) a page at a time and keeps the events `filter`
 * matches, until `maxCount` of them or the end: readAll with a filter, for a store that cannot
 * leave the other events unread.
 */
export const readFiltered = async (readPage: ReadPage, from: Position | 'start', maxCount: number, filter: SubscriptionFilter): Promise<RecordedEvent[]> => {
  const matching: RecordedEvent[] = [];
  let cursor = from;
  // Pages after the first start at the last event already read (starts are inclusive).
  let seen: Position | undefined;
  while (matching.length < maxCount) {
    const page = await readPage(cursor, PAGE);
    for (const event of page) {
      if (seen && comparePositions(event.position, seen) <= 0) continue;
      if (matchesFilter(event, filter)) matching.push(event);
      if (matching.length >= maxCount) break;
    }
    if (page.length < PAGE) break;
    cursor = seen = page.at(-1)!.position;
  }
  return matching;
};
