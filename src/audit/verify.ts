import { contentHash } from '../domain/canonical.js';
import { eventMetadataSchema } from '../domain/events/envelope.js';
import { eventHash } from '../domain/integrity.js';
import { RULESET_STREAM_PREFIX } from '../ruleset/registry.js';
import { comparePositions, type EventStore, type RecordedEvent } from '../store/port.js';
import { caseOfStream, scanLog, type ScanProgress } from '../app/log-scan.js';
import { personIdOfStream, personMetadataSchema } from '../domain/staff/events.js';
import type { z } from 'zod';
import { describeLogLoss, type LogEndGuard } from '../store/log-end.js';

/** What a broken link failed. */
export type LinkFailure =
  /** The stream's revisions are not 0, 1, 2…: an event was deleted (or renumbered). */
  | 'revision_gap'
  /** A later revision sits earlier in the global log: events were reordered. */
  | 'position_order'
  /** The envelope no longer reads as an engine event. */
  | 'metadata_invalid'
  /** The event claims another case than the stream it is stored in. */
  | 'wrong_stream'
  /** The event does not point at the hash of the event before it: one was deleted, inserted or moved. */
  | 'previous_hash'
  /** Recomputing the hash of the event's content and metadata gives another value: it was edited. */
  | 'hash_mismatch'
  /** A stored ruleset's content no longer hashes to its version. */
  | 'ruleset_hash';

export interface BrokenLink {
  readonly stream: string;
  readonly caseType: string | null;
  readonly caseId: string | null;
  readonly revision: number;
  readonly eventId: string;
  readonly position: string;
  readonly failure: LinkFailure;
  readonly detail: string;
}

/** How a stream's envelopes read: a record's, or a person's of the staff directory. */
interface Envelope {
  readonly parse: (metadata: unknown) => z.ZodSafeParseResult<{ integrity: { previousHash: string | null; hash: string } }>;
  /** Why the envelope belongs to another stream, if it does. */
  readonly elsewhere: (metadata: Record<string, unknown>) => string | undefined;
}

const caseEnvelope = (of: ReturnType<typeof caseOfStream>): Envelope => ({
  parse: (metadata) => eventMetadataSchema.safeParse(metadata),
  elsewhere: (m) =>
    of && (m.caseType !== of.caseType || m.caseId !== of.caseId) ? `the event belongs to ${m.caseType} ${m.caseId}, not to this stream` : undefined,
});

const personEnvelope = (personId: string): Envelope => ({
  parse: (metadata) => personMetadataSchema.safeParse(metadata),
  elsewhere: (m) => (m.personId !== personId ? `the event belongs to person ${m.personId}, not to this stream` : undefined),
});

/** The first broken link of one case (or person) stream (its events in stream order), or undefined when intact. */
export const firstBrokenLinkOf = (stream: string, events: readonly RecordedEvent[]): BrokenLink | undefined => {
  const of = caseOfStream(stream);
  const personId = personIdOfStream(stream);
  const envelope = personId === undefined ? caseEnvelope(of) : personEnvelope(personId);
  let previousHash: string | null = null;
  let previousPosition: RecordedEvent['position'] | undefined;
  for (const [index, event] of events.entries()) {
    const broken = (failure: LinkFailure, detail: string): BrokenLink => ({
      stream,
      caseType: of?.caseType ?? null,
      caseId: of?.caseId ?? null,
      revision: Number(event.revision),
      eventId: event.id,
      position: String(event.position.commit),
      failure,
      detail,
    });
    if (event.revision !== BigInt(index))
      return broken('revision_gap', `expected revision ${index}, found ${event.revision}: ${Number(event.revision) - index} event(s) missing before it`);
    if (previousPosition && comparePositions(event.position, previousPosition) <= 0) {
      return broken('position_order', `revision ${index} is stored before revision ${index - 1} in the global log`);
    }
    const parsed = envelope.parse(event.metadata);
    if (!parsed.success) return broken('metadata_invalid', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const { integrity, ...metadata } = parsed.data;
    const elsewhere = envelope.elsewhere(metadata);
    if (elsewhere) return broken('wrong_stream', elsewhere);
    if (integrity.previousHash !== previousHash) {
      return broken(
        'previous_hash',
        `it points at ${integrity.previousHash ?? 'nothing'}, the event before it hashes to ${previousHash ?? 'nothing (it is the first)'}`,
      );
    }
    const recomputed = eventHash({ id: event.id, type: event.type, data: event.data, metadata }, previousHash);
    if (recomputed !== integrity.hash)
      return broken('hash_mismatch', `stored hash ${integrity.hash}, its content hashes to ${recomputed}: the data or metadata was changed`);
    previousHash = integrity.hash;
    previousPosition = event.position;
  }
  return undefined;
};

const rulesetLink = (event: RecordedEvent): BrokenLink | undefined => {
  const data = event.data as { version?: unknown; files?: unknown } | null;
  const stored = `sha256:${event.streamName.slice(RULESET_STREAM_PREFIX.length)}`;
  const actual = contentHash(data?.files);
  if (data?.version === stored && actual === stored) return undefined;
  return {
    stream: event.streamName,
    caseType: null,
    caseId: null,
    revision: Number(event.revision),
    eventId: event.id,
    position: String(event.position.commit),
    failure: 'ruleset_hash',
    detail: `ruleset ${stored} now hashes to ${actual}`,
  };
};

/**
 * The log against its end anchor (store/log-end.ts): a log shorter than the anchor is not intact,
 * whatever its chains say, for a chain cut at its end still links. Null for a store without an anchor.
 */
const logEndOf = (guard: LogEndGuard | undefined) => {
  if (!guard) return null;
  const found = guard.check();
  const logEnd = String(found.logEnd);
  if (found.status === 'unanchored') return { status: found.status, anchorFile: guard.file, logEnd, anchorPosition: null, detail: 'no anchor kept yet' };
  const anchorPosition = found.anchor.position;
  if (found.status === 'intact') {
    return { status: found.status, anchorFile: guard.file, logEnd, anchorPosition, detail: `the log holds its anchored end, position ${anchorPosition}` };
  }
  return {
    status: found.status,
    anchorFile: guard.file,
    logEnd,
    anchorPosition,
    reason: found.reason,
    lostFrom: found.lost.from,
    lostTo: found.lost.to,
    eventsLost: found.eventsLost,
    detail: describeLogLoss(found, guard.file),
  };
};

/**
 * Recomputes every case's and person's hash chain from the log (and each stored ruleset's content hash) and
 * reports the first broken link per stream. With a property, only the cases any of whose events
 * name it are checked. Reads only.
 */
export const verifyLog = async (store: EventStore, options: { propertyId?: string } = {}, onProgress?: ScanProgress) => {
  // Whichever property is asked about: a lost end may have held any of its events.
  const logEnd = logEndOf(store.logEnd);
  const streams = new Map<string, RecordedEvent[]>();
  const rulesets: RecordedEvent[] = [];
  const inProperty = new Set<string>();
  const events = await scanLog(
    store,
    (event) => {
      if (event.streamName.startsWith(RULESET_STREAM_PREFIX)) {
        rulesets.push(event);
        return;
      }
      // The staff directory's streams are chained too; they belong to no property, so a property's check leaves them out.
      const person = personIdOfStream(event.streamName) !== undefined;
      if (!person && !caseOfStream(event.streamName)) return;
      const list = streams.get(event.streamName) ?? [];
      list.push(event);
      streams.set(event.streamName, list);
      if ((event.metadata as { propertyId?: unknown } | null)?.propertyId === options.propertyId) inProperty.add(event.streamName);
    },
    onProgress,
  );
  const broken: BrokenLink[] = [];
  let checked = 0;
  for (const [stream, list] of streams) {
    if (options.propertyId !== undefined && !inProperty.has(stream)) continue;
    checked++;
    // The log hands events in position order; a chain is checked in stream order.
    const inStreamOrder = [...list].sort((a, b) => (a.revision < b.revision ? -1 : a.revision > b.revision ? 1 : 0));
    const link = firstBrokenLinkOf(stream, inStreamOrder);
    if (link) broken.push(link);
  }
  if (options.propertyId === undefined)
    for (const event of rulesets) {
      const link = rulesetLink(event);
      if (link) broken.push(link);
    }
  return {
    propertyId: options.propertyId ?? null,
    eventsRead: events,
    streamsChecked: checked,
    intact: broken.length === 0 && logEnd?.status !== 'lost',
    broken,
    logEnd,
  };
};
export type VerifyReport = Awaited<ReturnType<typeof verifyLog>>;
