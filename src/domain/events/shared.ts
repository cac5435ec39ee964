import { z } from 'zod';
import { storedPersonal } from '../record/personal.js';

export const satisfactionLevels = ['very_satisfied', 'satisfied', 'neutral', 'dissatisfied'] as const;
export const satisfactionSchema = z.enum(satisfactionLevels);
export type Satisfaction = z.infer<typeof satisfactionSchema>;

/** Ratings that count as satisfied in `satisfaction.rate`. */
export const isSatisfied = (rating: Satisfaction): boolean => rating === 'very_satisfied' || rating === 'satisfied';

const personName = z.string().trim().min(1).max(100);
export const phoneSchema = z.string().regex(/^\+?[0-9][0-9 -]{4,19}$/, 'a phone number: digits, optional leading +, spaces or dashes, 5 to 20 characters');

/** Personal data of the owner: stored in events sealed (record/personal.ts), never logged. */
export const ownerSchema = z.strictObject({ name: personName, phone: phoneSchema });

/** The owner as an imported record's stored event holds them: each field the old system kept, as written, sealed, or erased. */
export const storedRecordedOwnerSchema = z.strictObject({ name: storedPersonal(personName).optional(), phone: storedPersonal(phoneSchema).optional() });

/**
 * An owner's contact as imported history holds it: what the old system recorded, which may be the
 * name alone, the phone alone, or nothing (then the event has no `owner`).
 */
export const recordedOwnerSchema = z.strictObject({ name: ownerSchema.shape.name.optional(), phone: ownerSchema.shape.phone.optional() });

export const text = (max: number) => z.string().trim().min(1).max(max);
export const optionalNote = text(2000).optional();

/** The SLA clocks (docs/domain.md); which apply to which record type is ruleset data. */
export const clockIds = ['response', 'resolution', 'completion', 'callback'] as const;
export const clockIdSchema = z.enum(clockIds);
export type ClockId = z.infer<typeof clockIdSchema>;

export const callbackRecordedSchema = z.strictObject({
  satisfaction: satisfactionSchema,
  note: optionalNote,
});

export const deadlineMissedSchema = z.strictObject({
  clock: clockIdSchema,
  policyId: z.string().min(1),
  deadline: z.iso.datetime({ offset: true }),
});

/** How hard a repair is: the rules may give complex work a longer completion clock. */
export const complexities = ['general', 'complex'] as const;
export const complexitySchema = z.enum(complexities);
export type Complexity = z.infer<typeof complexitySchema>;
