import { z } from 'zod';
import { numberField } from '../record/number.js';
import { channels } from '../complaint/events.js';
import { deadlineMissedSchema, optionalNote, text } from '../events/shared.js';

/** A visitor: an owner or resident who came to the desk. Personal data: stored, never logged. */
const visitorSchema = z.strictObject({
  name: text(100),
  phone: z
    .string()
    .regex(/^\+?[0-9][0-9 -]{4,19}$/, 'a phone number: digits, optional leading +, spaces or dashes, 5 to 20 characters')
    .optional(),
});

/** What the desk records of a visit; its event adds the work-order number the application minted (record/number.ts). */
export const visitReceipt = z.strictObject({
  propertyId: text(100),
  unit: text(100),
  category: text(100),
  description: text(4000),
  channel: z.enum(channels).default('walk_in'),
  visitor: visitorSchema,
});

/** What a historical import records of it: the same, the visitor as far as the old system kept them (docs/migration.md). */
export const importedVisitReceipt = visitReceipt.extend({
  visitor: z.strictObject({ name: visitorSchema.shape.name.optional(), phone: visitorSchema.shape.phone }).optional(),
});

/** Visit events (业主来访): received, then answered on the spot or referred to a department, then closed. */
export const visitEventSchemas = {
  VisitReceived: importedVisitReceipt.safeExtend(numberField),
  VisitAnswered: z.strictObject({ answer: text(4000) }),
  VisitReferred: z.strictObject({ department: text(100), note: optionalNote }),
  VisitClosed: z.strictObject({ note: optionalNote }),
  VisitDeadlineMissed: deadlineMissedSchema,
} as const;

export type VisitEventType = keyof typeof visitEventSchemas;
export type VisitEventData<T extends VisitEventType> = z.infer<(typeof visitEventSchemas)[T]>;
