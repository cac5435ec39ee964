import { z } from 'zod';

/**
 * Who may act in the system. `finance` records bills and payments; `inspector` is the quality
 * department's spot checker; `system` is the engine itself (deadline watcher, imports).
 */
export const roles = ['frontdesk', 'dispatcher', 'technician', 'finance', 'inspector', 'manager', 'auditor', 'admin', 'system'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/**
 * A record type's id as the envelope stores it. Which types exist is the registry's to say
 * (domain/records.ts): a stored event of a type it does not know is refused when read.
 */
export const recordTypeIdSchema = z.string().regex(/^[a-z][a-z_]*$/, 'a record type id');

/** An instant with an explicit offset, e.g. `2026-01-27T09:30:00+08:00` or `…Z`. */
export const instantSchema = z.iso.datetime({ offset: true });

export const actorSchema = z.strictObject({
  id: z.string().min(1).max(200),
  role: roleSchema,
});
export type Actor = z.infer<typeof actorSchema>;

/**
 * Metadata every stored event carries. Fixed on day one: stored events are never rewritten,
 * so any later field must be optional and every reader must tolerate its absence.
 */
export const eventMetadataSchema = z.strictObject({
  /** Version of the event's data schema; older versions are upcast on read. */
  schemaVersion: z.number().int().positive(),
  caseType: recordTypeIdSchema,
  caseId: z.string().min(1),
  propertyId: z.string().min(1),
  actor: actorSchema,
  /** The command that produced the event; event ids derive from it. */
  commandId: z.string().min(1),
  correlationId: z.string().min(1),
  causationId: z.string().min(1).nullable(),
  /** Content hash of the ruleset in force when the event was decided. */
  rulesetVersion: z.string().min(1),
  /** Server clock at the decision: authoritative. */
  recordedAt: instantSchema,
  /** When the desk says it happened; SLAs use it only within the ruleset's back-dating allowance. */
  occurredAt: instantSchema,
  /** Set on events of a historical import, whose claimed times are trusted beyond the allowance. */
  imported: z.literal(true).optional(),
  /** On an imported event: the administrator who imported it, beside the actor its row claims. */
  importedBy: actorSchema.optional(),
  /** Tamper evidence: hash of this event (content, metadata, previous hash) and the previous one's. */
  integrity: z.strictObject({
    previousHash: z.string().nullable(),
    hash: z.string(),
  }),
});
export type EventMetadata = z.infer<typeof eventMetadataSchema>;

/** A domain event as the domain sees it: a past-tense fact with its envelope. */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  readonly id: string;
  readonly type: TType;
  readonly data: TData;
  readonly metadata: EventMetadata;
}
