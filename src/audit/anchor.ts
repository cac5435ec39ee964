import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../domain/canonical.js';
import { scanLog, type ScanProgress } from '../app/log-scan.js';
import { comparePositions, type EventStore, type Position, type RecordedEvent } from '../store/port.js';

/**
 * A log anchor: a digest of the whole event log up to its last event, small enough to be kept
 * outside the store — printed in an audit file, signed, mailed to the quality department.
 *
 * Hash chains prove the order and content of each case's events, but not that none were cut off
 * at the end of a stream, nor that a stream was not removed whole, nor that someone able to
 * rewrite the file did not recompute every hash. An anchor closes those gaps for everything
 * recorded before it was taken: the log as it stands now must hold exactly the same events up
 * to the anchor's head, byte for byte, and may only have grown after it.
 */
export interface LogAnchor {
  readonly format: typeof ANCHOR_FORMAT;
  /** When it was taken (the engine's clock): informational, the head is what counts. */
  readonly takenAt: string;
  /** The global position of the last event covered, or null for an empty log. */
  readonly head: { readonly commit: string; readonly prepare: string } | null;
  readonly events: number;
  readonly streams: number;
  /** SHA-256 over every covered event in log order: position, stream, revision, id, type and canonical data and metadata. */
  readonly digest: string;
}

export const ANCHOR_FORMAT = 'event-log-anchor/1' as const;

const digits = z.string().regex(/^\d+$/, 'a decimal integer');
export const logAnchorSchema = z.strictObject({
  format: z.literal(ANCHOR_FORMAT),
  takenAt: z.string(),
  head: z.strictObject({ commit: digits, prepare: digits }).nullable(),
  events: z.number().int().nonnegative(),
  streams: z.number().int().nonnegative(),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'sha256:<64 hex digits>'),
});

/** The running digest of a prefix of the log. */
const prefixDigest = () => {
  const hash = createHash('sha256');
  const streams = new Set<string>();
  let events = 0;
  let last: Position | null = null;
  return {
    add(event: RecordedEvent) {
      // One line per event; canonical JSON cannot contain a raw newline, so lines cannot run together.
      hash.update(
        `${event.position.commit}/${event.position.prepare}\t${event.streamName}\t${event.revision}\t${event.id}\t${event.type}\t${canonicalJson(event.data)}\t${canonicalJson(event.metadata)}\n`,
      );
      streams.add(event.streamName);
      events++;
      last = event.position;
    },
    result: () => ({ events, streams: streams.size, last: last as Position | null, digest: `sha256:${hash.digest('hex')}` }),
  };
};

/** Reads the whole log and anchors it. Reads only. */
export const takeAnchor = async (store: EventStore, takenAt: string, onProgress?: ScanProgress): Promise<LogAnchor> => {
  const digest = prefixDigest();
  await scanLog(store, (event) => digest.add(event), onProgress);
  const { events, streams, last, digest: value } = digest.result();
  return {
    format: ANCHOR_FORMAT,
    takenAt,
    head: last === null ? null : { commit: String(last.commit), prepare: String(last.prepare) },
    events,
    streams,
    digest: value,
  };
};

/** What differs between the log and an anchor taken of it earlier. */
export type AnchorFinding =
  /** The event at the anchor's head is gone: the log was cut back. */
  | 'head_missing'
  /** Fewer events up to the head than the anchor counted: events were deleted. */
  | 'events_missing'
  /** More events up to the head than the anchor counted: events were inserted before it. */
  | 'events_inserted'
  /** As many events, but not the same ones, or not with the same content. */
  | 'content_changed';

export interface AnchorCheck {
  readonly anchor: LogAnchor;
  /** Events and streams the log holds now up to the anchor's head, and its digest of them. */
  readonly now: { readonly events: number; readonly streams: number; readonly digest: string };
  /** Events recorded after the anchor's head: the log's growth since. */
  readonly eventsAfter: number;
  readonly intact: boolean;
  readonly findings: ReadonlyArray<{ readonly finding: AnchorFinding; readonly detail: string }>;
}

/** Recomputes the digest of the log up to the anchor's head and compares. Reads only. */
export const checkAnchor = async (store: EventStore, anchor: LogAnchor, onProgress?: ScanProgress): Promise<AnchorCheck> => {
  const head: Position | null = anchor.head === null ? null : { commit: BigInt(anchor.head.commit), prepare: BigInt(anchor.head.prepare) };
  const digest = prefixDigest();
  let eventsAfter = 0;
  let headFound = head === null;
  await scanLog(
    store,
    (event) => {
      if (head !== null && comparePositions(event.position, head) > 0) {
        eventsAfter++;
        return;
      }
      if (head !== null && comparePositions(event.position, head) === 0) headFound = true;
      digest.add(event);
    },
    onProgress,
  );
  const now = digest.result();
  const findings: Array<AnchorCheck['findings'][number]> = [];
  if (!headFound) findings.push({ finding: 'head_missing', detail: `no event at the anchor's head ${anchor.head!.commit}/${anchor.head!.prepare}` });
  if (now.events < anchor.events)
    findings.push({
      finding: 'events_missing',
      detail: `${anchor.events - now.events} event(s) fewer up to the head than when anchored (${anchor.events} then, ${now.events} now)`,
    });
  if (now.events > anchor.events)
    findings.push({
      finding: 'events_inserted',
      detail: `${now.events - anchor.events} event(s) more up to the head than when anchored (${anchor.events} then, ${now.events} now)`,
    });
  if (findings.length === 0 && now.digest !== anchor.digest) {
    findings.push({
      finding: 'content_changed',
      detail: `the same number of events, but they digest to ${now.digest}, not ${anchor.digest}: an event was edited or replaced`,
    });
  }
  return {
    anchor,
    now: { events: now.events, streams: now.streams, digest: now.digest },
    eventsAfter,
    intact: findings.length === 0,
    findings,
  };
};
