import type { Escalation } from '../ruleset/schema.js';
import { epochMillis } from '../time/index.js';

/** How a deadline miss came to be known: live, or too late to report it to management. */
export type MissDetection =
  | { readonly kind: 'live' }
  | {
      readonly kind: 'late';
      /** `imported_after_deadline`: the record came in by an import after its deadline; `beyond_window`: noticed after `escalation.maxLateHours`. */
      readonly reason: 'imported_after_deadline' | 'beyond_window';
      readonly detail: string;
    };

const HOUR_MS = 3_600_000;

/**
 * Whether a miss was noticed live (docs/domain.md "Misses"), decided from the record's events and
 * the rules alone, so that replaying the log decides the same:
 * - late when the deadline had passed before the engine held the record as it then stood — the
 *   latest import the record had received (`importedAt`, an imported event's recordedAt) was after
 *   the deadline: the engine could not have noticed it in time;
 * - late when `detectedAt` (the miss event's recordedAt) is more than `escalation.maxLateHours`
 *   after the deadline (the server was down);
 * - live otherwise. Only a live miss escalates.
 */
export const missDetection = (input: {
  readonly deadline: string;
  readonly detectedAt: string;
  /** The recordedAt of the latest imported event of the record before the miss; null for a record never imported. */
  readonly importedAt: string | null;
  /** The case's ruleset's escalation rules; absent in rulesets published before they existed. */
  readonly escalation: Escalation | undefined;
}): MissDetection => {
  const { deadline, detectedAt, importedAt, escalation } = input;
  const due = epochMillis(deadline);
  if (importedAt !== null && epochMillis(importedAt) > due) {
    return { kind: 'late', reason: 'imported_after_deadline', detail: `the deadline ${deadline} had passed when the record was imported (${importedAt})` };
  }
  if (escalation && epochMillis(detectedAt) - due > escalation.maxLateHours * HOUR_MS) {
    return {
      kind: 'late',
      reason: 'beyond_window',
      detail: `noticed ${detectedAt}, more than ${escalation.maxLateHours} h (sla.yaml escalation.maxLateHours) after the deadline ${deadline}`,
    };
  }
  return { kind: 'live' };
};
