import type { EventStore } from '../store/port.js';
import { caseOfStream, looseMetadata, scanLog, type ScanProgress } from '../app/log-scan.js';
import { statesOwnTime } from '../domain/records.js';

export interface BackdatingQuery {
  readonly propertyId?: string;
  /** Listed when the claimed time differs from the recorded one by more than this. Default 0. */
  readonly thresholdMinutes?: number;
  /** Recorded at or after (inclusive). */
  readonly from?: string;
  /** Recorded before (exclusive). */
  readonly to?: string;
}

export interface BackdatedEvent {
  readonly caseType: string;
  readonly caseId: string;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly role: string;
  readonly recordedAt: string;
  readonly occurredAt: string;
  /** Recorded minus claimed, in minutes (negative for a claim ahead of the server clock). */
  readonly gapMinutes: number;
  readonly imported: boolean;
}

export interface ActorBackdating {
  readonly actor: string;
  readonly roles: readonly string[];
  readonly count: number;
  readonly imported: number;
  readonly maxGapMinutes: number;
  readonly totalGapMinutes: number;
  readonly events: readonly BackdatedEvent[];
}

/**
 * Every event whose claimed time (occurredAt) differs from the time it was recorded by more
 * than the threshold, grouped by the actor who entered it: a KPI must not be improvable by
 * typing an earlier time, so each such entry is listed with its gap. A deadline miss, dated at its
 * deadline by the engine however late it was noticed, claims nothing and is not listed.
 */
export const backdatingReport = async (store: EventStore, query: BackdatingQuery, onProgress?: ScanProgress) => {
  const threshold = query.thresholdMinutes ?? 0;
  const from = query.from === undefined ? -Infinity : Date.parse(query.from);
  const to = query.to === undefined ? Infinity : Date.parse(query.to);
  const byActor = new Map<string, BackdatedEvent[]>();
  let scanned = 0;
  await scanLog(
    store,
    (recorded) => {
      const of = caseOfStream(recorded.streamName);
      if (!of || statesOwnTime(of.caseType, recorded.type)) return;
      const m = looseMetadata(recorded);
      if (query.propertyId !== undefined && m.propertyId !== query.propertyId) return;
      const recordedAt = Date.parse(m.recordedAt ?? '');
      if (!(recordedAt >= from && recordedAt < to)) return;
      scanned++;
      const gap = (recordedAt - Date.parse(m.occurredAt ?? '')) / 60_000;
      if (!(Math.abs(gap) > threshold)) return;
      const actor = m.actor?.id ?? '(unknown)';
      const list = byActor.get(actor) ?? [];
      list.push({
        ...of,
        revision: Number(recorded.revision),
        eventId: recorded.id,
        type: recorded.type,
        role: m.actor?.role ?? '(unknown)',
        recordedAt: m.recordedAt!,
        occurredAt: m.occurredAt!,
        gapMinutes: gap,
        imported: m.imported === true,
      });
      byActor.set(actor, list);
    },
    onProgress,
  );
  const actors: ActorBackdating[] = [...byActor].map(([actor, events]) => ({
    actor,
    roles: [...new Set(events.map((e) => e.role))].sort(),
    count: events.length,
    imported: events.filter((e) => e.imported).length,
    maxGapMinutes: Math.max(...events.map((e) => e.gapMinutes)),
    totalGapMinutes: events.reduce((sum, e) => sum + e.gapMinutes, 0),
    events,
  }));
  actors.sort((a, b) => b.count - a.count || (a.actor < b.actor ? -1 : 1));
  return {
    propertyId: query.propertyId ?? null,
    thresholdMinutes: threshold,
    from: query.from ?? null,
    to: query.to ?? null,
    eventsExamined: scanned,
    eventsListed: actors.reduce((sum, a) => sum + a.count, 0),
    actors,
  };
};
export type BackdatingReport = Awaited<ReturnType<typeof backdatingReport>>;
