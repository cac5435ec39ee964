import { z } from 'zod';
import { numberField } from '../record/number.js';
import {
  callbackRecordedSchema,
  complexitySchema,
  deadlineMissedSchema,
  optionalNote,
  ownerSchema,
  recordedOwnerSchema,
  storedRecordedOwnerSchema,
  text,
} from '../events/shared.js';

export { complexities, complexitySchema, type Complexity } from '../events/shared.js';

export const pauseReasons = ['awaiting_parts', 'owner_absent', 'owner_quote'] as const;
export const pauseReasonSchema = z.enum(pauseReasons);

/** What the desk records of a repair; its event adds the work-order number the application minted (record/number.ts). */
export const repairReport = z.strictObject({
  propertyId: text(100),
  /** A unit (e.g. "3-2-1201") or a common area (e.g. "B2 car park"). */
  location: text(200),
  category: text(100),
  complexity: complexitySchema,
  description: text(4000),
  owner: ownerSchema,
});

/** What a historical import records of it: the same, the owner's contact as far as the old system kept it (docs/migration.md). */
export const importedRepairReport = repairReport.extend({ owner: recordedOwnerSchema.optional() });

/** Repair events (报修 / 维修工单): one schema per past-tense fact. */
export const repairEventSchemas = {
  // The owner as stored (sealed, erased), as far as the old system kept them for an imported record.
  RepairReported: repairReport.extend({ ...numberField, owner: storedRecordedOwnerSchema.optional() }),
  RepairDispatched: z.strictObject({ technicianId: text(100) }),
  RepairAccepted: z.strictObject({}),
  RepairArrived: z.strictObject({}),
  RepairPaused: z.strictObject({ reason: pauseReasonSchema }),
  RepairResumed: z.strictObject({}),
  RepairCompleted: z.strictObject({ workDone: text(4000) }),
  RepairVerified: z.strictObject({ note: optionalNote }),
  RepairReworkRequested: z.strictObject({ note: optionalNote }),
  CallbackRecorded: callbackRecordedSchema,
  RepairClosed: z.strictObject({
    withoutCallback: z.boolean(),
    reason: text(2000).optional(),
  }),
  RepairCancelled: z.strictObject({ reason: text(2000) }),
  RepairReclassified: z.strictObject({ from: complexitySchema, to: complexitySchema, reason: text(2000) }),
  RepairDeadlineMissed: deadlineMissedSchema,
} as const;

export type RepairEventType = keyof typeof repairEventSchemas;
export type RepairEventData<T extends RepairEventType> = z.infer<(typeof repairEventSchemas)[T]>;
