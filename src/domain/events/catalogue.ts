import type { z } from 'zod';
import type { CaseType } from './envelope.js';
import { complaintEventSchemas } from './complaint.js';
import { repairEventSchemas } from './repair.js';
import { visitEventSchemas } from './visit.js';
import { feeEventSchemas } from './fee.js';
import { activityEventSchemas } from './activity.js';
import { archiveCheckEventSchemas } from './archive-check.js';
import { inspectionEventSchemas } from './inspection.js';

type Schemas = Record<string, z.ZodType>;

/**
 * Turns the data of version `n` of an event type into version `n + 1`. Stored history is never
 * edited: when a schema changes, bump `currentVersion`, add the upcaster, and old events are
 * upgraded as they are read.
 */
export type Upcaster = (data: unknown) => unknown;

interface CatalogueEntry {
  readonly schemas: Schemas;
  readonly currentVersion: Readonly<Record<string, number>>;
  /** upcasters[type][n] upgrades version n to n + 1. */
  readonly upcasters: Readonly<Record<string, Readonly<Record<number, Upcaster>>>>;
}

const allAtVersion1 = (schemas: Schemas): Record<string, number> =>
  Object.fromEntries(Object.keys(schemas).map((type) => [type, 1]));

const atVersion1 = (schemas: Schemas): CatalogueEntry => ({ schemas, currentVersion: allAtVersion1(schemas), upcasters: {} });

export const eventCatalogue: Readonly<Record<CaseType, CatalogueEntry>> = {
  complaint: { schemas: complaintEventSchemas, currentVersion: allAtVersion1(complaintEventSchemas), upcasters: {} },
  repair: { schemas: repairEventSchemas, currentVersion: allAtVersion1(repairEventSchemas), upcasters: {} },
  visit: atVersion1(visitEventSchemas),
  fee: atVersion1(feeEventSchemas),
  activity: atVersion1(activityEventSchemas),
  archive_check: atVersion1(archiveCheckEventSchemas),
  inspection: atVersion1(inspectionEventSchemas),
};

export const eventTypesOf = (caseType: CaseType): string[] => Object.keys(eventCatalogue[caseType].schemas);

export const currentSchemaVersion = (caseType: CaseType, type: string): number => {
  const version = eventCatalogue[caseType].currentVersion[type];
  if (version === undefined) throw new Error(`unknown ${caseType} event type ${type}`);
  return version;
};

/** Upcasts stored data from `version` to the current version and validates it. */
export const readEventData = (caseType: CaseType, type: string, version: number, data: unknown): unknown => {
  const entry = eventCatalogue[caseType];
  const schema = entry.schemas[type];
  const current = entry.currentVersion[type];
  if (!schema || current === undefined) throw new Error(`unknown ${caseType} event type ${type}`);
  let upgraded = data;
  for (let v = version; v < current; v++) {
    const upcast = entry.upcasters[type]?.[v];
    if (!upcast) throw new Error(`no upcaster for ${type} from version ${v}`);
    upgraded = upcast(upgraded);
  }
  return schema.parse(upgraded);
};
