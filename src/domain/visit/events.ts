import { z } from 'zod';
import { numberField } from '../record/number.js';
import { channels } from '../complaint/events.js';
import { deadlineMissedSchema, optionalNote, phoneSchema, text } from '../events/shared.js';
import { storedPersonal } from '../record/personal.js';

/** A visitor: an owner or resident who came to the desk. Personal data: stored, never logged. */
const visitorSchema = z.strictObject({ name: text(100), phone: phoneSchema.optional() });
/** The visitor as a stored event holds them: each field as written, sealed (record/personal.ts), or erased. */
const storedVisitorSchema = z.strictObject({ name: storedPersonal(text(100)).optional(), phone: storedPersonal(phoneSchema).optional() });

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
  // The visitor as stored (sealed, erased), as far as the old system kept them for an imported record.
  VisitReceived: visitReceipt.extend({ ...numberField, visitor: storedVisitorSchema.optional() }),
  VisitAnswered: z.strictObject({ answer: text(4000) }),
  VisitReferred: z.strictObject({ department: text(100), note: optionalNote }),
  VisitClosed: z.strictObject({ note: optionalNote }),
  VisitDeadlineMissed: deadlineMissedSchema,
} as const;

export type VisitEventType = keyof typeof visitEventSchemas;
export type VisitEventData<T extends VisitEventType> = z.infer<(typeof visitEventSchemas)[T]>;
