import type { ComplaintEventData, ComplaintEventType } from '../events/complaint.js';
import type { RepairEventData, RepairEventType } from '../events/repair.js';
import type { z } from 'zod';

/**
 * What the lifecycle machines receive: a domain event's type and data, and the time it counts
 * from (its claimed `occurredAt`, already checked against the back-dating allowance).
 */
export type ComplaintMachineEvent = {
  [K in ComplaintEventType]: { type: K; data: ComplaintEventData<K>; at: string };
}[ComplaintEventType];

export type RepairMachineEvent = {
  [K in RepairEventType]: { type: K; data: RepairEventData<K>; at: string };
}[RepairEventType];

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

/** The machine events of a record kept as its own stream, from its event schemas. */
export type MachineEventOf<S extends Record<string, z.ZodType>> = {
  [K in keyof S & string]: { type: K; data: z.infer<S[K]>; at: string };
}[keyof S & string];
