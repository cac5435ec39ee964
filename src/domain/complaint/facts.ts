import type { CallbackFact, MachineEventOf, MissFact } from '../case/machine-event.js';
import type { complaintEventSchemas } from './events.js';

export type ComplaintMachineEvent = MachineEventOf<typeof complaintEventSchemas>;

/** What the SLA clocks and KPIs need to know about a complaint, folded from its events. */
export interface ComplaintFacts {
  readonly propertyId: string;
  readonly category: string;
  readonly unit: string;
  readonly channel: string;
  readonly receivedAt: string | null;
  readonly handlingStartedAt: string | null;
  readonly department: string | null;
  readonly assignments: ReadonlyArray<{ readonly department: string; readonly at: string }>;
  /** The last resolution, cleared by a reopening: only a resolution not reopened since counts. */
  readonly resolvedAt: string | null;
  readonly ownerNotifiedAt: string | null;
  /** Callbacks since the last resolution. */
  readonly callbacks: readonly CallbackFact[];
  /** Every callback ever recorded (satisfaction.rate counts each rating). */
  readonly allCallbacks: readonly CallbackFact[];
  readonly reopenings: ReadonlyArray<{ readonly at: string; readonly reason: string }>;
  readonly escalations: ReadonlyArray<{ readonly at: string; readonly reason: string }>;
  readonly closedAt: string | null;
  readonly closedWithoutCallback: boolean;
  readonly withdrawnAt: string | null;
  readonly rejectedAt: string | null;
  readonly misses: readonly MissFact[];
}

export const emptyComplaintFacts: ComplaintFacts = {
  propertyId: '',
  category: '',
  unit: '',
  channel: '',
  receivedAt: null,
  handlingStartedAt: null,
  department: null,
  assignments: [],
  resolvedAt: null,
  ownerNotifiedAt: null,
  callbacks: [],
  allCallbacks: [],
  reopenings: [],
  escalations: [],
  closedAt: null,
  closedWithoutCallback: false,
  withdrawnAt: null,
  rejectedAt: null,
  misses: [],
};

export const applyComplaintEvent = (facts: ComplaintFacts, event: ComplaintMachineEvent): ComplaintFacts => {
  const at = event.at;
  switch (event.type) {
    case 'ComplaintReceived': {
      const { propertyId, category, unit, channel } = event.data;
      return { ...facts, propertyId, category, unit, channel, receivedAt: at };
    }
    case 'ComplaintHandlingStarted':
      return { ...facts, handlingStartedAt: facts.handlingStartedAt ?? at };
    case 'ComplaintAssigned':
      return { ...facts, department: event.data.department, assignments: [...facts.assignments, { department: event.data.department, at }] };
    case 'ComplaintResolved':
      return { ...facts, resolvedAt: at };
    case 'ComplaintOwnerNotified':
      return { ...facts, ownerNotifiedAt: at };
    case 'CallbackRecorded': {
      const callback = { satisfaction: event.data.satisfaction, at };
      return { ...facts, callbacks: [...facts.callbacks, callback], allCallbacks: [...facts.allCallbacks, callback] };
    }
    case 'ComplaintClosed':
      return { ...facts, closedAt: at, closedWithoutCallback: event.data.withoutCallback };
    case 'ComplaintReopened':
      return {
        ...facts,
        resolvedAt: null,
        ownerNotifiedAt: null,
        callbacks: [],
        reopenings: [...facts.reopenings, { at, reason: event.data.reason }],
      };
    case 'ComplaintEscalated':
      return { ...facts, escalations: [...facts.escalations, { at, reason: event.data.reason }] };
    case 'ComplaintWithdrawn':
      return { ...facts, withdrawnAt: at };
    case 'ComplaintRejected':
      return { ...facts, rejectedAt: at };
    case 'ComplaintDeadlineMissed':
      return { ...facts, misses: [...facts.misses, { ...event.data, at }] };
  }
};
