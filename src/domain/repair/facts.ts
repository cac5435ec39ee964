import type { CallbackFact, MachineEventOf, MissFact } from '../case/machine-event.js';
import type { repairEventSchemas } from './events.js';
import type { Complexity } from './events.js';

export type RepairMachineEvent = MachineEventOf<typeof repairEventSchemas>;

export interface PauseFact {
  readonly start: string;
  readonly end: string | null;
  readonly reason: string;
}

/** What the SLA clocks and KPIs need to know about a repair, folded from its events. */
export interface RepairFacts {
  readonly propertyId: string;
  readonly category: string;
  readonly location: string;
  readonly complexity: Complexity;
  readonly reportedAt: string | null;
  /** The first dispatch stops the response clock; later ones are re-dispatches. */
  readonly dispatchedAt: string | null;
  readonly technicianId: string | null;
  readonly arrived: boolean;
  /** The pause ledger: the completion clock stands still inside these intervals. */
  readonly pauses: readonly PauseFact[];
  /** The last completion; a rework clears it until the repair is completed again. */
  readonly completedAt: string | null;
  readonly verifiedAt: string | null;
  readonly reworks: ReadonlyArray<{ readonly at: string }>;
  readonly callbacks: readonly CallbackFact[];
  readonly allCallbacks: readonly CallbackFact[];
  readonly reclassifications: ReadonlyArray<{ readonly from: Complexity; readonly to: Complexity; readonly reason: string; readonly at: string }>;
  readonly closedAt: string | null;
  readonly closedWithoutCallback: boolean;
  readonly cancelledAt: string | null;
  readonly misses: readonly MissFact[];
}

export const emptyRepairFacts: RepairFacts = {
  propertyId: '',
  category: '',
  location: '',
  complexity: 'general',
  reportedAt: null,
  dispatchedAt: null,
  technicianId: null,
  arrived: false,
  pauses: [],
  completedAt: null,
  verifiedAt: null,
  reworks: [],
  callbacks: [],
  allCallbacks: [],
  reclassifications: [],
  closedAt: null,
  closedWithoutCallback: false,
  cancelledAt: null,
  misses: [],
};

const closeOpenPause = (pauses: readonly PauseFact[], at: string): PauseFact[] => pauses.map((p) => (p.end === null ? { ...p, end: at } : p));

export const applyRepairEvent = (facts: RepairFacts, event: RepairMachineEvent): RepairFacts => {
  const at = event.at;
  switch (event.type) {
    case 'RepairReported': {
      const { propertyId, category, location, complexity } = event.data;
      return { ...facts, propertyId, category, location, complexity, reportedAt: at };
    }
    case 'RepairDispatched':
      return { ...facts, dispatchedAt: facts.dispatchedAt ?? at, technicianId: event.data.technicianId, arrived: false };
    case 'RepairAccepted':
      return facts;
    case 'RepairArrived':
      return { ...facts, arrived: true };
    case 'RepairPaused':
      return { ...facts, pauses: [...facts.pauses, { start: at, end: null, reason: event.data.reason }] };
    case 'RepairResumed':
      return { ...facts, pauses: closeOpenPause(facts.pauses, at) };
    case 'RepairCompleted':
      return { ...facts, completedAt: at };
    case 'RepairVerified':
      return { ...facts, verifiedAt: at };
    case 'RepairReworkRequested':
      return { ...facts, completedAt: null, verifiedAt: null, callbacks: [], arrived: false, reworks: [...facts.reworks, { at }] };
    case 'CallbackRecorded': {
      const callback = { satisfaction: event.data.satisfaction, at };
      return { ...facts, callbacks: [...facts.callbacks, callback], allCallbacks: [...facts.allCallbacks, callback] };
    }
    case 'RepairClosed':
      return { ...facts, closedAt: at, closedWithoutCallback: event.data.withoutCallback };
    case 'RepairCancelled':
      return { ...facts, cancelledAt: at, pauses: closeOpenPause(facts.pauses, at) };
    case 'RepairReclassified':
      return {
        ...facts,
        complexity: event.data.to,
        reclassifications: [...facts.reclassifications, { from: event.data.from, to: event.data.to, reason: event.data.reason, at }],
      };
    case 'RepairDeadlineMissed':
      return { ...facts, misses: [...facts.misses, { ...event.data, at }] };
  }
};
