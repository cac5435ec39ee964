import type { MachineEventOf } from '../case/machine-event.js';
import type { feeEventSchemas } from './events.js';

export type FeeMachineEvent = MachineEventOf<typeof feeEventSchemas>;

interface Movement {
  readonly amountFen: number;
  readonly at: string;
}

/** A unit's fee ledger for one billing month, folded from its events; every amount in fen. */
export interface FeeFacts {
  readonly propertyId: string;
  readonly unit: string;
  /** The billing month, `YYYY-MM`. */
  readonly period: string;
  readonly dueDate: string;
  readonly billedAt: string | null;
  readonly billedFen: number;
  readonly payments: readonly Movement[];
  readonly waivers: ReadonlyArray<Movement & { readonly reason: string }>;
  readonly refunds: ReadonlyArray<Movement & { readonly reason: string }>;
}

export const emptyFeeFacts: FeeFacts = {
  propertyId: '',
  unit: '',
  period: '',
  dueDate: '',
  billedAt: null,
  billedFen: 0,
  payments: [],
  waivers: [],
  refunds: [],
};

const sum = (movements: readonly Movement[]): number => movements.reduce((total, m) => total + m.amountFen, 0);

/** Paid, net of refunds. */
export const collectedFen = (facts: FeeFacts): number => sum(facts.payments) - sum(facts.refunds);
export const waivedFen = (facts: FeeFacts): number => sum(facts.waivers);
/** What the unit still owes (arrears once the due date has passed). */
export const outstandingFen = (facts: FeeFacts): number => facts.billedFen - waivedFen(facts) - collectedFen(facts);

export const applyFeeEvent = (facts: FeeFacts, event: FeeMachineEvent): FeeFacts => {
  const at = event.at;
  switch (event.type) {
    case 'FeeBilled': {
      const { propertyId, unit, period, dueDate, amountFen } = event.data;
      return { ...facts, propertyId, unit, period, dueDate, billedAt: at, billedFen: amountFen };
    }
    case 'FeePaid':
      return { ...facts, payments: [...facts.payments, { amountFen: event.data.amountFen, at }] };
    case 'FeeWaived':
      return { ...facts, waivers: [...facts.waivers, { amountFen: event.data.amountFen, reason: event.data.reason, at }] };
    case 'FeeRefunded':
      return { ...facts, refunds: [...facts.refunds, { amountFen: event.data.amountFen, reason: event.data.reason, at }] };
  }
};
