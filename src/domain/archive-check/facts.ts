import type { MachineEventOf } from '../case/machine-event.js';
import type { archiveCheckEventSchemas } from './events.js';

export type ArchiveCheckMachineEvent = MachineEventOf<typeof archiveCheckEventSchemas>;

/** One check of an owner's record (业户档案), folded from its events. */
export interface ArchiveCheckFacts {
  readonly propertyId: string;
  readonly unit: string;
  readonly checkedAt: string | null;
  readonly correct: boolean;
  readonly wrongFields: readonly string[];
  readonly correctedAt: string | null;
}

export const emptyArchiveCheckFacts: ArchiveCheckFacts = { propertyId: '', unit: '', checkedAt: null, correct: false, wrongFields: [], correctedAt: null };

export const applyArchiveCheckEvent = (facts: ArchiveCheckFacts, event: ArchiveCheckMachineEvent): ArchiveCheckFacts => {
  switch (event.type) {
    case 'ArchiveChecked': {
      const { propertyId, unit, correct, wrongFields } = event.data;
      return { ...facts, propertyId, unit, correct, wrongFields: wrongFields ?? [], checkedAt: event.at };
    }
    case 'ArchiveCorrected':
      return { ...facts, correctedAt: event.at };
  }
};
