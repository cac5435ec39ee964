import type { z } from 'zod';

/**
 * What a lifecycle machine receives, from the schemas of its record's events: a domain event's
 * type and data, and the time it counts from (its claimed `occurredAt`, already checked against
 * the back-dating allowance), and whether it comes from a historical import.
 */
export type MachineEventOf<S extends Record<string, z.ZodType>> = {
  [K in keyof S & string]: { type: K; data: z.infer<S[K]>; at: string; imported?: boolean };
}[keyof S & string];

export interface CallbackFact {
  readonly satisfaction: 'very_satisfied' | 'satisfied' | 'neutral' | 'dissatisfied';
  readonly at: string;
}

export interface MissFact {
  readonly clock: string;
  readonly policyId: string;
  readonly deadline: string;
  readonly at: string;
}
