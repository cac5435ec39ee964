import { z } from 'zod';
import { activityRecord } from './activity/record.js';
import { archiveCheckRecord } from './archive-check/record.js';
import { complaintRecord } from './complaint/record.js';
import { feeRecord } from './fee/record.js';
import { inspectionRecord } from './inspection/record.js';
import type { AnyRecordDescriptor } from './record/descriptor.js';
import { repairRecord } from './repair/record.js';
import type { RulesVocabulary } from './ruleset/parse.js';
import { createRuleset, type Ruleset } from './ruleset/ruleset.js';
import { clockSubject, type ClockSubject, type RecordedMiss } from './sla/subject.js';
import { visitRecord } from './visit/record.js';

/**
 * Every record type the engine keeps, each a stream per record, by type id. Adding a record type
 * is its folder under src/domain and one line here (docs/adding-a-record-type.md).
 */
export const records = {
  complaint: complaintRecord,
  repair: repairRecord,
  visit: visitRecord,
  fee: feeRecord,
  activity: activityRecord,
  archive_check: archiveCheckRecord,
  inspection: inspectionRecord,
} as const;

export type Records = typeof records;
export type RecordType = keyof Records;
/** The facts of a record of type T, as its lifecycle folds them. */
export type FactsOf<T extends RecordType> = Records[T] extends { readonly lifecycle: { readonly initial: { readonly facts: infer F } } } ? F : never;
/** A record's facts with its type: the generic paths' view of any record. */
export type RecordFacts = { [T in RecordType]: { readonly caseType: T; readonly facts: FactsOf<T> } }[RecordType];

export const recordTypes = Object.keys(records) as RecordType[];
export const recordTypeSchema = z.enum(recordTypes as [RecordType, ...RecordType[]]);
export const isRecordType = (value: string): value is RecordType => Object.hasOwn(records, value);

// Every entry is filed under its own type id, and its work-order numbers cannot be taken for another type's.
for (const [type, descriptor] of Object.entries(records)) if (descriptor.type !== type) throw new Error(`record type ${descriptor.type} is filed as ${type}`);
for (const descriptor of Object.values(records)) {
  if (!/^[A-Z]{2}$/.test(descriptor.numberPrefix))
    throw new Error(`record type ${descriptor.type}: number prefix ${descriptor.numberPrefix} is not two capitals`);
  if (Object.values(records).some((other) => other !== descriptor && other.numberPrefix === descriptor.numberPrefix))
    throw new Error(`record types share the number prefix ${descriptor.numberPrefix}`);
}

/** A record type's descriptor, as the generic paths read it. */
export const recordOf = (type: string): AnyRecordDescriptor => {
  if (!isRecordType(type)) throw new Error(`unknown record type ${type}`);
  return records[type];
};

/**
 * Whether events of this type state their own time (a deadline miss occurs at its deadline): their
 * occurredAt is the engine's, not a claim, so a gap to their recordedAt is no back-dating.
 */
export const statesOwnTime = (caseType: RecordType, eventType: string): boolean =>
  records[caseType].lifecycle.commands.some((command) => command.occursAt !== undefined && command.emits.includes(eventType));

/** A record type by its collection in the API (`complaints`, `archive-checks`…). */
export const recordBySegment = (segment: string): AnyRecordDescriptor | undefined => Object.values(records).find((r) => r.segment === segment);

/** The deadline misses a record's facts hold: the subject's `misses`, without making the subject (decide asks on every event). */
export const recordedMissesOf = (c: { readonly caseType: string; readonly facts: unknown }): readonly RecordedMiss[] =>
  recordOf(c.caseType).clocks.misses(c.facts as never);

/** A record's facts as its SLA clocks see them. */
export const clockSubjectOf = (c: { readonly caseType: string; readonly facts: unknown }): ClockSubject => {
  const descriptor = recordOf(c.caseType);
  return clockSubject(c.caseType, descriptor.clocks, c.facts as { propertyId: string });
};

/** What the ruleset's files may say of each record type. */
export const rulesVocabulary: RulesVocabulary = {
  records: Object.fromEntries(Object.values(records).map((r) => [r.type, r.rules])),
};

/** A ruleset from its parsed files, checked against the record types' vocabulary. */
export const rulesetOf = (files: Readonly<Record<string, unknown>>): Ruleset => createRuleset(files, rulesVocabulary);
