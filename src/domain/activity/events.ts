import { z } from 'zod';
import { numberField } from '../record/number.js';
import { optionalNote, text } from '../events/shared.js';

/** Households that took part: a whole number, at most the property's households (checked against the ruleset). */
export const participantsSchema = z.number().int('participating households: a whole number').min(0, 'participating households cannot be negative');

/** What the desk records of an activity; its event adds the work-order number the application minted (record/number.ts). */
export const activityHeld = z.strictObject({
  propertyId: text(100),
  title: text(200),
  /** The local date it was held. */
  heldOn: z.iso.date(),
  participants: participantsSchema,
  note: optionalNote,
});

/** Community activity events (社区活动): one activity held, and corrections of its participation. */
export const activityEventSchemas = {
  ActivityHeld: activityHeld.safeExtend(numberField),
  ActivityParticipationCorrected: z.strictObject({ participants: participantsSchema, reason: text(2000) }),
} as const;

export type ActivityEventType = keyof typeof activityEventSchemas;
export type ActivityEventData<T extends ActivityEventType> = z.infer<(typeof activityEventSchemas)[T]>;
