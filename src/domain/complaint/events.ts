import { z } from 'zod';
import { numberField } from '../record/number.js';
import {
  callbackRecordedSchema,
  deadlineMissedSchema,
  optionalNote,
  ownerSchema,
  recordedOwnerSchema,
  storedRecordedOwnerSchema,
  text,
} from '../events/shared.js';

export const channels = ['phone', 'walk_in', 'app', 'wechat', 'other'] as const;

/** What the desk records of a complaint; its event adds the work-order number the application minted (record/number.ts). */
export const complaintReceipt = z.strictObject({
  propertyId: text(100),
  unit: text(100),
  category: text(100),
  description: text(4000),
  channel: z.enum(channels),
  owner: ownerSchema,
});

/** What a historical import records of it: the same, the owner's contact as far as the old system kept it (docs/migration.md). */
export const importedComplaintReceipt = complaintReceipt.extend({ owner: recordedOwnerSchema.optional() });

/** Complaint events (投诉): one schema per past-tense fact. */
export const complaintEventSchemas = {
  // The owner as stored (sealed, erased), as far as the old system kept them for an imported record.
  ComplaintReceived: complaintReceipt.extend({ ...numberField, owner: storedRecordedOwnerSchema.optional() }),
  ComplaintHandlingStarted: z.strictObject({ note: optionalNote }),
  ComplaintAssigned: z.strictObject({ department: text(100), note: optionalNote }),
  ComplaintResolved: z.strictObject({ resolution: text(4000) }),
  ComplaintOwnerNotified: z.strictObject({ note: optionalNote }),
  CallbackRecorded: callbackRecordedSchema,
  ComplaintClosed: z.strictObject({
    /** True when closed without a callback; then a reason (e.g. owner unreachable) is required. */
    withoutCallback: z.boolean(),
    reason: text(2000).optional(),
  }),
  ComplaintReopened: z.strictObject({ reason: text(2000) }),
  /**
   * `missed` (optional, later than the first stored escalations): the deadline watcher's escalation
   * names the clock, policy and deadline instant it missed, so a page words it in its own language
   * and zone; `reason` keeps the English sentence for the log and for events stored without it.
   */
  ComplaintEscalated: z.strictObject({ reason: text(2000), missed: deadlineMissedSchema.optional() }),
  ComplaintWithdrawn: z.strictObject({ reason: text(2000) }),
  ComplaintRejected: z.strictObject({ reason: text(2000) }),
  ComplaintDeadlineMissed: deadlineMissedSchema,
} as const;

export type ComplaintEventType = keyof typeof complaintEventSchemas;
export type ComplaintEventData<T extends ComplaintEventType> = z.infer<(typeof complaintEventSchemas)[T]>;
