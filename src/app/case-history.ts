import type { Lifecycle } from '../domain/case/definition.js';
import { evolve, initialCaseState, type CaseState } from '../domain/case/state.js';
import { readEventData } from '../domain/events/catalogue.js';
import { eventMetadataSchema, type CaseType, type DomainEvent } from '../domain/events/envelope.js';
import { complaintLifecycle } from '../domain/complaint/lifecycle.js';
import { repairLifecycle } from '../domain/repair/lifecycle.js';
import { isStreamNotFound } from '../store/errors.js';
import type { EventStore, RecordedEvent } from '../store/port.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const lifecycles: Record<CaseType, Lifecycle<any>> = { complaint: complaintLifecycle, repair: repairLifecycle };

export const streamName = (caseType: CaseType, caseId: string) => `${caseType}-${caseId}`;

/** A stored event as the domain reads it: metadata checked, data upcast to the current schema. */
export const toDomainEvent = (caseType: CaseType, recorded: RecordedEvent): DomainEvent => {
  const metadata = eventMetadataSchema.parse(recorded.metadata);
  return { id: recorded.id, type: recorded.type, data: readEventData(caseType, recorded.type, metadata.schemaVersion, recorded.data), metadata };
};

export interface CaseHistory {
  readonly caseType: CaseType;
  readonly caseId: string;
  readonly events: readonly DomainEvent[];
  /** State after each event: states[i] follows events[i]. */
  readonly states: readonly CaseState<unknown>[];
  readonly state: CaseState<unknown>;
}

export const loadCase = async (store: EventStore, caseType: CaseType, caseId: string): Promise<CaseHistory> => {
  let recorded: RecordedEvent[] = [];
  try {
    recorded = await store.readStream(streamName(caseType, caseId));
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
  }
  const lifecycle = lifecycles[caseType];
  const events = recorded.map((r) => toDomainEvent(caseType, r));
  const states: CaseState<unknown>[] = [];
  let state = initialCaseState(lifecycle);
  for (const event of events) {
    state = evolve(lifecycle, state, event);
    states.push(state);
  }
  return { caseType, caseId, events, states, state };
};
