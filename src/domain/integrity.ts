import { contentHash } from './canonical.js';
import type { EventMetadata } from './events/envelope.js';

/** A record's event, or a directory event (src/domain/staff): any metadata but its integrity. */
interface Sealable {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: object;
}
interface Integrity {
  readonly previousHash: string | null;
  readonly hash: string;
}

/**
 * The hash of one link of a case's chain: it covers the event's id, type, data and metadata
 * and the previous event's hash, so editing, deleting or reordering any stored event breaks
 * every later link.
 */
export const eventHash = (event: Sealable, previousHash: string | null): string =>
  // Keys written in canonical order already: nothing to reorder.
  contentHash({ data: event.data, id: event.id, metadata: event.metadata, previousHash, type: event.type });

/**
 * The metadata of an event just made, sealed: `integrity` added to the metadata object itself, which
 * must be the caller's own and not yet seen by anyone. Decide seals each event so: a copy that gains
 * a key, as `seal` makes, takes V8's slow path (docs/performance.md).
 */
export const sealedInPlace = <M extends object>(event: Sealable & { readonly metadata: M }, previousHash: string | null): M & { integrity: Integrity } => {
  const metadata = event.metadata as M & { integrity: Integrity };
  metadata.integrity = { previousHash, hash: eventHash(event, previousHash) };
  return metadata;
};

export const seal = <E extends Sealable>(event: E, previousHash: string | null): E & { metadata: E['metadata'] & { integrity: Integrity } } => ({
  ...event,
  metadata: { ...event.metadata, integrity: { previousHash, hash: eventHash(event, previousHash) } },
});

/** Recomputes a chain; returns the index of the first broken link, or -1 when intact. */
export const firstBrokenLink = (events: ReadonlyArray<{ id: string; type: string; data: unknown; metadata: EventMetadata }>): number => {
  let previous: string | null = null;
  for (const [i, event] of events.entries()) {
    const { integrity, ...rest } = event.metadata;
    if (integrity.previousHash !== previous || integrity.hash !== eventHash({ ...event, metadata: rest }, previous)) return i;
    previous = integrity.hash;
  }
  return -1;
};
