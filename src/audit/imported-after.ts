import { Temporal } from 'temporal-polyfill';
import { caseOfStream, looseMetadata, scanLog } from '../app/log-scan.js';
import { toDomainEvent } from '../app/case-history.js';
import type { FoldedCase } from '../app/case-fold.js';
import { evolve, initialCaseState } from '../domain/case/state.js';
import { isEngineError } from '../errors.js';
import { kpiRecordOf } from '../domain/kpi/outcome.js';
import { inPeriod, type Period } from '../domain/kpi/period.js';
import type { KpiRecord } from '../domain/kpi/record.js';
import { recordOf } from '../domain/records.js';
import type { RulesetRegistry } from '../ruleset/registry.js';
import { streamName } from '../store/domain-event.js';
import type { EventStore } from '../store/port.js';
import { rulesetUnder } from '../domain/kpi/agreement-in-force.js';
import type { AgreementTerm } from '../domain/ruleset/ruleset.js';

/** How a report as of an instant counts the records a migration imported after it. */
export interface ImportedAfterAsOf {
  /** Records of the period (received in it) with events imported after `asOf`. */
  readonly records: number;
  /** When the first and the last of their imported events were recorded. */
  readonly firstImportedAt: string | null;
  readonly lastImportedAt: string | null;
  /** `recordedAt`: as the engine held them at asOf (not yet); `occurredAt`: imported events by when they happened. */
  readonly judgedBy: 'recordedAt' | 'occurredAt';
  /** What the figures then mean for them, in words. */
  readonly note: string | null;
}

/** When a case's imported events recorded after `asOf` came, in epoch milliseconds. */
interface ImportSpan {
  first: number;
  last: number;
}

/**
 * Every case of a property as known at `asOf` — events recorded up to then, or, `byOccurrence`,
 * imported events that happened up to then wherever they were recorded (a migration brings the
 * past in later) — with, per case, when events were imported after `asOf`. One pass over the log.
 * An event the engine or a person recorded after `asOf` is left out either way; a case whose
 * history cannot be folded without it stops there.
 */
export const foldAsOf = async (
  store: EventStore,
  rulesets: RulesetRegistry,
  propertyId: string,
  asOf: number,
  byOccurrence: boolean,
  /** The agreement the period is judged under (its calendar and zone); the records' own rules' when not given. */
  agreement?: AgreementTerm,
): Promise<{ cases: KpiRecord[]; importedAfter: ReadonlyMap<string, ImportSpan> }> => {
  const folded = new Map<string, FoldedCase>();
  const stopped = new Set<string>();
  const importedAfter = new Map<string, ImportSpan>();
  await scanLog(store, (recorded) => {
    const of = caseOfStream(recorded.streamName);
    if (!of) return;
    const m = looseMetadata(recorded);
    if (m.propertyId !== propertyId) return;
    const recordedAt = Date.parse(m.recordedAt ?? '');
    const key = recorded.streamName;
    if (m.imported === true && recordedAt > asOf) {
      const span = importedAfter.get(key);
      if (span) span.last = Math.max(span.last, recordedAt);
      else importedAfter.set(key, { first: recordedAt, last: recordedAt });
    }
    const knownAt = byOccurrence && m.imported === true ? Date.parse(m.occurredAt ?? '') : recordedAt;
    if (knownAt > asOf || stopped.has(key)) return;
    const lifecycle = recordOf(of.caseType).lifecycle;
    const entry = folded.get(key) ?? { ...of, state: initialCaseState(lifecycle) };
    try {
      entry.state = evolve(lifecycle, entry.state, toDomainEvent(of.caseType, recorded));
      folded.set(key, entry);
    } catch (error) {
      // Only a history folded without an event left out (recorded after asOf) can refuse one.
      if (!isEngineError(error)) throw error;
      stopped.add(key);
    }
  });
  const cases: KpiRecord[] = [];
  for (const { caseType, caseId, state } of folded.values()) {
    const own = await rulesets.get(state.rulesetVersion!);
    cases.push(kpiRecordOf(caseType, caseId, state.snapshot.facts, agreement ? rulesetUnder(own, propertyId, agreement) : own));
  }
  return { cases, importedAfter };
};

const iso = (ms: number) => Temporal.Instant.fromEpochMilliseconds(ms).toString();

/** What the report says of the period's records imported after `asOf`, from the records of the period now. */
export const importedAfterAsOf = (
  importedAfter: ReadonlyMap<string, ImportSpan>,
  casesNow: readonly KpiRecord[],
  period: Period,
  asOf: string,
  byOccurrence: boolean,
): ImportedAfterAsOf => {
  const spans = casesNow
    .filter((c) => inPeriod(c.receivedDate, period))
    .flatMap((c) => {
      const span = importedAfter.get(streamName(c.caseType, c.caseId));
      return span ? [span] : [];
    });
  const judgedBy = byOccurrence ? 'occurredAt' : 'recordedAt';
  if (spans.length === 0) return { records: 0, firstImportedAt: null, lastImportedAt: null, judgedBy, note: null };
  const first = iso(spans.reduce((at, s) => Math.min(at, s.first), Number.POSITIVE_INFINITY));
  const last = iso(spans.reduce((at, s) => Math.max(at, s.last), Number.NEGATIVE_INFINITY));
  const which = `${spans.length} record(s) of ${period.id} were imported after ${asOf} (from ${first} to ${last})`;
  const note = byOccurrence
    ? `${which}: their imported events count by when they happened (occurredAt up to ${asOf}), as if the engine had held them then; what the engine or people recorded since counts by its recordedAt`
    : `${which}: the report then leaves out what the engine did not hold yet; ask with judgeImportedByOccurrence=true to judge imported events by when they happened`;
  return { records: spans.length, firstImportedAt: first, lastImportedAt: last, judgedBy, note };
};
