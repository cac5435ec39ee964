import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/events/envelope.js';
import { EngineError, hasCode } from '../errors.js';
import { applyPersonEvent, personEvent, personIdOfStream, personStream, PERSON_STREAM_PREFIX, type PersonEventType } from '../domain/staff/events.js';
import { personFieldsSchema, staffLookupOf, type Person, type PersonFields, type StaffLookup } from '../domain/staff/person.js';
import type { Clock } from '../runtime/clock.js';
import { isStreamNotFound } from '../store/errors.js';
import { comparePositions, NO_STREAM, type EventStore, type Json, type Position, type RecordedEvent } from '../store/port.js';

export const PERSON_NOT_FOUND = 'PERSON_NOT_FOUND' as const;
export class PersonNotFoundError extends EngineError {
  readonly code = PERSON_NOT_FOUND;
  constructor(readonly personId: string) {
    super(`no person ${personId} in the staff directory`, { personId });
  }
}
export const isPersonNotFound = hasCode<PersonNotFoundError>(PERSON_NOT_FOUND);

export const PERSON_ALREADY_EXISTS = 'PERSON_ALREADY_EXISTS' as const;
export class PersonAlreadyExistsError extends EngineError {
  readonly code = PERSON_ALREADY_EXISTS;
  constructor(readonly personId: string) {
    super(`person ${personId} is already in the staff directory`, { personId });
  }
}
export const isPersonAlreadyExists = hasCode<PersonAlreadyExistsError>(PERSON_ALREADY_EXISTS);

interface Known {
  person: Person | undefined;
  revision: bigint;
  lastHash: string | null;
}

const PAGE = 1_000;
const PERSON_EVENTS = { streamPrefixes: [PERSON_STREAM_PREFIX] };

/**
 * The staff directory: the person streams folded in memory. It is small, so it is read whole at
 * start (`open`) and kept up to date by its own writes, by `catchUp` (the log since it last read)
 * and, for people a decision depends on, by `refresh` (their streams' tails) — so that a person
 * deactivated through another process is never dispatched to.
 */
export const openStaffDirectory = async (deps: { store: EventStore; clock: Clock }) => {
  const { store, clock } = deps;
  const known = new Map<string, Known>();
  const people = new Map<string, Person>();
  let position: Position | undefined;

  const apply = (event: Pick<RecordedEvent, 'streamName' | 'type' | 'data' | 'revision' | 'metadata'>) => {
    const id = personIdOfStream(event.streamName);
    if (id === undefined) return;
    const entry = known.get(id) ?? { person: undefined, revision: -1n, lastHash: null };
    if (event.revision <= entry.revision) return;
    entry.person = applyPersonEvent(entry.person, id, event.type, event.data);
    entry.revision = event.revision;
    entry.lastHash = (event.metadata as { integrity?: { hash?: string } } | null)?.integrity?.hash ?? null;
    known.set(id, entry);
    if (entry.person) people.set(id, entry.person);
  };

  /**
   * Reads the person streams' events since the last call and applies them. Only those are read:
   * the rest of the log (a million case events in a large one) is not theirs to go through.
   */
  const catchUp = async () => {
    let from: Position | 'start' = position ?? 'start';
    for (;;) {
      const page = await store.readAll({ from, maxCount: PAGE, filter: PERSON_EVENTS });
      for (const event of page) {
        if (position && comparePositions(event.position, position) <= 0) continue;
        apply(event);
        position = event.position;
      }
      if (page.length < PAGE) return;
      from = page.at(-1)!.position;
    }
  };

  /** Reads the named people's streams from where this directory left them. */
  const refresh = async (ids: Iterable<string>) => {
    for (const id of ids) {
      const from = (known.get(id)?.revision ?? -1n) + 1n;
      try {
        for (const event of await store.readStream(personStream(id), { from })) apply(event);
      } catch (error) {
        if (!isStreamNotFound(error)) throw error;
      }
    }
  };

  const append = async (id: string, type: PersonEventType, data: unknown, actor: Actor) => {
    await refresh([id]);
    const entry = known.get(id);
    if (type === 'PersonAdded' && entry) throw new PersonAlreadyExistsError(id);
    if (type !== 'PersonAdded' && !entry?.person) throw new PersonNotFoundError(id);
    const event = personEvent({ id: randomUUID(), type, data }, { personId: id, actor, recordedAt: clock.now().toString() }, entry?.lastHash ?? null);
    const result = await store.appendToStream(
      personStream(id),
      [{ id: event.id, type, data: event.data as Json, metadata: event.metadata as unknown as Json }],
      {
        expectedRevision: entry ? entry.revision : NO_STREAM,
      },
    );
    apply({ streamName: personStream(id), type, data: event.data as Json, revision: result.nextRevision, metadata: event.metadata as unknown as Json });
    return people.get(id)!;
  };

  await catchUp();
  return {
    catchUp,
    refresh,
    /** The directory as decide reads it (call `refresh` first for the people it depends on). */
    lookup: (): StaffLookup => staffLookupOf(people),
    get: (id: string): Person | undefined => people.get(id),
    list: (): Person[] => [...people.values()].sort((a, b) => a.id.localeCompare(b.id)),
    add: (id: string, fields: PersonFields, actor: Actor) => append(id, 'PersonAdded', personFieldsSchema.parse(fields), actor),
    change: (id: string, fields: Partial<PersonFields>, actor: Actor) => append(id, 'PersonChanged', personFieldsSchema.partial().parse(fields), actor),
    deactivate: async (id: string, actor: Actor, reason?: string) => {
      await refresh([id]);
      const person = people.get(id);
      // Deactivating twice records nothing new.
      if (person && !person.active) return person;
      return append(id, 'PersonDeactivated', reason === undefined ? {} : { reason }, actor);
    },
  };
};
export type StaffDirectory = Awaited<ReturnType<typeof openStaffDirectory>>;
