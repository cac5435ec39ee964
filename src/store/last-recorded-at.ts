import type { Json } from './port.js';

/**
 * How many of the log's last events are looked at for one that carries `recordedAt`. Every event the
 * engine appends does; the bound only keeps a log written by something else from being read whole.
 */
export const RECORDED_AT_LOOKBACK = 100;

/** The `recordedAt` an event's metadata carries, when it is a valid instant. */
export const recordedAtIn = (metadata: Json): string | undefined => {
  const value = metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) ? metadata.recordedAt : undefined;
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : undefined;
};

/** The first `recordedAt` among events read from the end of the log backwards. */
export const firstRecordedAt = (metadataFromTheEnd: Iterable<Json>): string | undefined => {
  for (const metadata of metadataFromTheEnd) {
    const found = recordedAtIn(metadata);
    if (found !== undefined) return found;
  }
  return undefined;
};
