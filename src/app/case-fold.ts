import { toDomainEvent } from './case-history.js';
import { recordOf } from '../domain/records.js';
import { evolve, initialCaseState, type CaseState } from '../domain/case/state.js';
import type { RecordType } from '../domain/records.js';
import type { EventStore } from '../store/port.js';
import { caseOfStream, looseMetadata, scanLog, type ScanProgress } from './log-scan.js';

export interface FoldedCase {
  readonly caseType: RecordType;
  readonly caseId: string;
  state: CaseState<unknown>;
}

/**
 * Every case of a property folded from the log as the engine knew it at `asOf` (events recorded
 * up to then), keeping the lifecycle state and its facts: what a recomputation under other rules
 * needs. Reads only: audits and "as of" reports never write.
 */
export const foldCasesAsOf = async (store: EventStore, propertyId: string, asOf: number, onProgress?: ScanProgress): Promise<FoldedCase[]> => {
  const cases = new Map<string, FoldedCase>();
  await scanLog(
    store,
    (recorded) => {
      const of = caseOfStream(recorded.streamName);
      if (!of) return;
      const metadata = looseMetadata(recorded);
      if (metadata.propertyId !== propertyId || Date.parse(metadata.recordedAt ?? '') > asOf) return;
      let entry = cases.get(recorded.streamName);
      if (!entry) cases.set(recorded.streamName, (entry = { ...of, state: initialCaseState(recordOf(of.caseType).lifecycle) }));
      entry.state = evolve(recordOf(of.caseType).lifecycle, entry.state, toDomainEvent(of.caseType, recorded));
    },
    onProgress,
  );
  return [...cases.values()];
};
