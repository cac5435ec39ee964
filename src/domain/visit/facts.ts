import type { MachineEventOf, MissFact } from '../case/machine-event.js';
import type { visitEventSchemas } from './events.js';

export type VisitMachineEvent = MachineEventOf<typeof visitEventSchemas>;

/** What the reception clock and KPI need to know about a visit, folded from its events. */
export interface VisitFacts {
  readonly propertyId: string;
  readonly unit: string;
  readonly category: string;
  readonly channel: string;
  readonly receivedAt: string | null;
  /** The first answer or referral: the visitor was received and answered (stops the response clock). */
  readonly answeredAt: string | null;
  readonly referredAt: string | null;
  readonly department: string | null;
  readonly closedAt: string | null;
  readonly misses: readonly MissFact[];
}

export const emptyVisitFacts: VisitFacts = {
  propertyId: '',
  unit: '',
  category: '',
  channel: '',
  receivedAt: null,
  answeredAt: null,
  referredAt: null,
  department: null,
  closedAt: null,
  misses: [],
};

export const applyVisitEvent = (facts: VisitFacts, event: VisitMachineEvent): VisitFacts => {
  const at = event.at;
  switch (event.type) {
    case 'VisitReceived': {
      const { propertyId, unit, category, channel } = event.data;
      return { ...facts, propertyId, unit, category, channel, receivedAt: at };
    }
    case 'VisitAnswered':
      return { ...facts, answeredAt: facts.answeredAt ?? at };
    case 'VisitReferred':
      return { ...facts, answeredAt: facts.answeredAt ?? at, referredAt: at, department: event.data.department };
    case 'VisitClosed':
      return { ...facts, closedAt: at };
    case 'VisitDeadlineMissed':
      return { ...facts, misses: [...facts.misses, { ...event.data, at }] };
  }
};
