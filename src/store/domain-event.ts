import { readEventData } from '../domain/events/catalogue.js';
import type { DomainEvent } from '../domain/events/envelope.js';
import { recordOf } from '../domain/records.js';
import type { RecordedEvent } from './port.js';
import { storedMetadata } from './stored-metadata.js';

/** The stream of one record: `<type>-<id>`. */
export const streamName = (caseType: string, caseId: string) => `${caseType}-${caseId}`;

/**
 * A stored event as the domain reads it: metadata checked, data (its personal fields opened, when
 * the store could open them) upcast to its record type's current schema.
 */
export const toDomainEvent = (caseType: string, recorded: RecordedEvent): DomainEvent => {
  const metadata = storedMetadata(recorded.metadata);
  const data = readEventData(caseType, recordOf(caseType).events, recorded.type, metadata.schemaVersion, recorded.opened ?? recorded.data);
  return { id: recorded.id, type: recorded.type, data, metadata };
};
