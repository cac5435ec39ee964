import type { DomainEvent } from '../events/envelope.js';
import type { Lifecycle, LifecycleSnapshot } from './definition.js';
import { CorruptHistoryError } from './errors.js';
import { numberOf } from '../record/number.js';

/** A case as decide needs it: lifecycle snapshot plus what the next event's envelope builds on. */
export interface CaseState<F> {
  readonly snapshot: LifecycleSnapshot<F>;
  /** Revision of the last event in the case stream; null while the case does not exist. */
  readonly revision: bigint | null;
  readonly propertyId: string | null;
  /** Its work-order number, from the creating event; null for a record opened before numbers were minted. */
  readonly number: string | null;
  /** The ruleset version the case was opened under: its SLA clocks follow it. */
  readonly rulesetVersion: string | null;
  readonly lastOccurredAt: string | null;
  readonly lastHash: string | null;
}

export const initialCaseState = <F>(lifecycle: Lifecycle<F>): CaseState<F> => ({
  snapshot: lifecycle.initial,
  revision: null,
  propertyId: null,
  number: null,
  rulesetVersion: null,
  lastOccurredAt: null,
  lastHash: null,
});

const ownTimeTypes = new WeakMap<object, ReadonlySet<string>>();
/** The event types of a lifecycle that state their own time (a deadline miss, at its deadline). */
const ownTimeTypesOf = <F>(lifecycle: Lifecycle<F>): ReadonlySet<string> => {
  let types = ownTimeTypes.get(lifecycle);
  if (!types) ownTimeTypes.set(lifecycle, (types = new Set(lifecycle.commands.filter((c) => c.occursAt).flatMap((c) => c.emits))));
  return types;
};

/** Folds one stored event into the case. Stored history only holds events decide accepted. */
export const evolve = <F>(lifecycle: Lifecycle<F>, state: CaseState<F>, event: DomainEvent): CaseState<F> => {
  const next = lifecycle.next(state.snapshot, {
    type: event.type,
    data: event.data,
    at: event.metadata.occurredAt,
    imported: event.metadata.imported === true,
  });
  if (!next) throw new CorruptHistoryError(event.metadata.caseId, event.type, state.snapshot.state);
  return {
    snapshot: next,
    revision: state.revision === null ? 0n : state.revision + 1n,
    propertyId: state.propertyId ?? event.metadata.propertyId,
    number: state.revision === null ? numberOf(event.data) : state.number,
    rulesetVersion: state.rulesetVersion ?? event.metadata.rulesetVersion,
    // A miss, dated at its deadline, does not bound the time of what follows (decide checks that no event meets its deadline after the fact).
    lastOccurredAt: ownTimeTypesOf(lifecycle).has(event.type) ? state.lastOccurredAt : event.metadata.occurredAt,
    lastHash: event.metadata.integrity.hash,
  };
};

export const replay = <F>(lifecycle: Lifecycle<F>, events: Iterable<DomainEvent>): CaseState<F> => {
  let state = initialCaseState(lifecycle);
  for (const event of events) state = evolve(lifecycle, state, event);
  return state;
};
