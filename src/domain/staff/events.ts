import { z } from 'zod';
import { actorSchema, instantSchema } from '../events/envelope.js';
import { seal } from '../integrity.js';
import { personFieldsSchema, type Person } from './person.js';

/** Each person is one stream: `person-<id>`. Not a record type: no clocks, no KPIs, skipped by projections. */
export const PERSON_STREAM_PREFIX = 'person-';
export const personStream = (id: string) => `${PERSON_STREAM_PREFIX}${id}`;
export const personIdOfStream = (stream: string): string | undefined =>
  stream.startsWith(PERSON_STREAM_PREFIX) ? stream.slice(PERSON_STREAM_PREFIX.length) : undefined;

export const personEventSchemas = {
  PersonAdded: personFieldsSchema,
  /** Only what changed; a field absent is kept. */
  PersonChanged: personFieldsSchema.partial(),
  PersonDeactivated: z.strictObject({ reason: z.string().trim().min(1).max(2000).optional() }),
} as const;
export type PersonEventType = keyof typeof personEventSchemas;
export const personEventTypes = Object.keys(personEventSchemas) as PersonEventType[];

/** Who changed the directory and when, chained like a record's events so an auditor can verify them. */
export const personMetadataSchema = z.strictObject({
  schemaVersion: z.literal(1),
  personId: z.string().min(1),
  actor: actorSchema,
  recordedAt: instantSchema,
  integrity: z.strictObject({ previousHash: z.string().nullable(), hash: z.string() }),
});
export type PersonMetadata = z.infer<typeof personMetadataSchema>;

export interface PersonEvent {
  readonly id: string;
  readonly type: PersonEventType;
  readonly data: unknown;
  readonly metadata: PersonMetadata;
}

/** A sealed directory event; the id is the caller's (unique per change). Pure. */
export const personEvent = (
  draft: { id: string; type: PersonEventType; data: unknown },
  meta: Omit<PersonMetadata, 'schemaVersion' | 'integrity'>,
  previousHash: string | null,
): PersonEvent => seal({ ...draft, metadata: { schemaVersion: 1 as const, ...meta } }, previousHash);

/** A person after one more event of their stream. */
export const applyPersonEvent = (person: Person | undefined, id: string, type: string, data: unknown): Person | undefined => {
  switch (type) {
    case 'PersonAdded':
      return { id, active: true, ...personEventSchemas.PersonAdded.parse(data) };
    case 'PersonChanged':
      return person && { ...person, ...stripUndefined(personEventSchemas.PersonChanged.parse(data)) };
    case 'PersonDeactivated':
      return person && { ...person, active: false };
    default:
      return person;
  }
};

const stripUndefined = <T extends object>(value: T): Partial<T> => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

/** The directory folded from person streams' events, in log order. */
export const foldDirectory = (events: Iterable<{ streamName: string; type: string; data: unknown }>): Map<string, Person> => {
  const people = new Map<string, Person>();
  for (const event of events) {
    const id = personIdOfStream(event.streamName);
    if (id === undefined) continue;
    const next = applyPersonEvent(people.get(id), id, event.type, event.data);
    if (next) people.set(id, next);
  }
  return people;
};
