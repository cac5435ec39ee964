import type { MachineEventOf } from '../case/machine-event.js';
import type { inspectionEventSchemas } from './events.js';

export type InspectionMachineEvent = MachineEventOf<typeof inspectionEventSchemas>;

/** One procedure spot check (规程抽检), folded from its events. */
export interface InspectionFacts {
  readonly propertyId: string;
  readonly procedure: string;
  readonly inspectedAt: string | null;
  readonly passed: boolean;
  readonly rectifiedAt: string | null;
}

export const emptyInspectionFacts: InspectionFacts = { propertyId: '', procedure: '', inspectedAt: null, passed: false, rectifiedAt: null };

export const applyInspectionEvent = (facts: InspectionFacts, event: InspectionMachineEvent): InspectionFacts => {
  switch (event.type) {
    case 'InspectionRecorded': {
      const { propertyId, procedure, passed } = event.data;
      return { ...facts, propertyId, procedure, passed, inspectedAt: event.at };
    }
    case 'InspectionRectified':
      return { ...facts, rectifiedAt: event.at };
  }
};
