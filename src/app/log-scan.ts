import { recordTypes, type RecordType } from '../domain/records.js';
import { comparePositions, type EventStore, type Position, type RecordedEvent } from '../store/port.js';

const PAGE = 5_000;

/** Called after each page of the log with the number of events read so far. */
export type ScanProgress = (eventsRead: number) => void;

/**
 * Reads the whole global log in order, one page at a time, handing each event to `visit`.
 * Read starts are inclusive: each page starts at the last event of the previous one, skipped.
 * Reads only.
 */
export const scanLog = async (store: EventStore, visit: (event: RecordedEvent) => void, onProgress?: ScanProgress): Promise<number> => {
  let from: Position | 'start' = 'start';
  let read = 0;
  for (;;) {
    const page = await store.readAll({ from, maxCount: PAGE });
    for (const event of page) {
      if (from !== 'start' && comparePositions(event.position, from) <= 0) continue;
      visit(event);
      read++;
    }
    onProgress?.(read);
    if (page.length < PAGE) return read;
    from = page.at(-1)!.position;
  }
};

/** The case a stream holds, from its name (`complaint-<id>`, `repair-<id>`); undefined for other streams. */
export const caseOfStream = (streamName: string): { caseType: RecordType; caseId: string } | undefined => {
  const caseType = recordTypes.find((type) => streamName.startsWith(`${type}-`));
  return caseType && { caseType, caseId: streamName.slice(caseType.length + 1) };
};

/** The few metadata members audits filter on, read without trusting the rest of the envelope. */
export const looseMetadata = (event: RecordedEvent) =>
  (event.metadata ?? {}) as { propertyId?: string; recordedAt?: string; occurredAt?: string; imported?: boolean; actor?: { id?: string; role?: string } };
