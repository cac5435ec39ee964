import type { z } from 'zod';

/**
 * Turns the data of version `n` of an event type into version `n + 1`. Stored history is never
 * edited: when a schema changes, bump its version, add the upcaster, and old events are upgraded
 * as they are read.
 */
export type Upcaster = (data: unknown) => unknown;

/** A record type's events: each type's current schema and version, and the upcasters to it. */
export interface EventCatalogue<S extends Record<string, z.ZodType> = Record<string, z.ZodType>> {
  readonly schemas: S;
  readonly currentVersion: Readonly<Record<keyof S & string, number>>;
  /** upcasters[type][n] upgrades version n to n + 1. */
  readonly upcasters: Readonly<Partial<Record<keyof S & string, Readonly<Record<number, Upcaster>>>>>;
}

/** The catalogue of events none of which has changed since it was first stored. */
export const atVersion1 = <S extends Record<string, z.ZodType>>(schemas: S): EventCatalogue<S> => ({
  schemas,
  currentVersion: Object.fromEntries(Object.keys(schemas).map((type) => [type, 1])) as Record<keyof S & string, number>,
  upcasters: {} as EventCatalogue<S>['upcasters'],
});

export const currentSchemaVersion = (owner: string, catalogue: EventCatalogue, type: string): number => {
  const version = (catalogue.currentVersion as Readonly<Record<string, number>>)[type];
  if (version === undefined) throw new Error(`unknown ${owner} event type ${type}`);
  return version;
};

/** Upcasts stored data from `version` to the current version and validates it. */
export const readEventData = (owner: string, catalogue: EventCatalogue, type: string, version: number, data: unknown): unknown => {
  const schema = (catalogue.schemas as Readonly<Record<string, z.ZodType>>)[type];
  const current = (catalogue.currentVersion as Readonly<Record<string, number>>)[type];
  if (!schema || current === undefined) throw new Error(`unknown ${owner} event type ${type}`);
  let upgraded = data;
  for (let v = version; v < current; v++) {
    const upcast = (catalogue.upcasters as Readonly<Record<string, Readonly<Record<number, Upcaster>>>>)[type]?.[v];
    if (!upcast) throw new Error(`no upcaster for ${type} from version ${v}`);
    upgraded = upcast(upgraded);
  }
  return schema.parse(upgraded);
};
