import type { Lifecycle } from '../case/definition.js';
import type { EventCatalogue } from '../events/catalogue.js';
import type { KpiParts } from '../kpi/parts.js';
import type { KpiRecordBase } from '../kpi/record.js';
import type { ClockParts } from '../sla/subject.js';
import type { RecordQueue } from './queues.js';

/** A text in the page's two languages: Chinese first, the language staff work in. */
export interface Label {
  readonly zh: string;
  readonly en: string;
}

/** What a record's row in the read model says of it beyond its type and state. */
export interface RowProfile {
  /** When it was received (reported, billed, recorded, checked). */
  readonly received: string | null;
  /** Its unit or location, whose building the row also keeps. */
  readonly place: string | null;
  readonly category: string | null;
  readonly channel: string | null;
  readonly complexity: string | null;
  readonly department: string | null;
  readonly technicianId: string | null;
}

/** The names people read: the record, its states, its events and its actions. */
export interface RecordLabels<S extends string = string> {
  readonly record: Label;
  readonly states: Readonly<Record<S, Label>>;
  readonly events: Readonly<Record<string, Label>>;
  readonly actions: Readonly<Record<string, Label>>;
}

/**
 * Everything the engine knows of one record type, in one value: its names, its events, its
 * lifecycle and commands, what its clocks count from, what its KPIs count, and what its read-model
 * row shows. The generic paths (decide, the record service, the projections, the KPI report, the
 * API's routes, audit replay and the page) read a record type only through this.
 */
export interface RecordDescriptor<T extends string = string, F = unknown, K extends KpiRecordBase = KpiRecordBase> {
  /** The type's id: in stream names (`<type>-<id>`), event metadata and the read model. */
  readonly type: T;
  /** Its collection in the API: `/v1/<segment>`. */
  readonly segment: string;
  /** The prefix of its work-order numbers (`TS` in `TS-20261203-0007`): two capitals, unique among the types. */
  readonly numberPrefix: string;
  /** Its name in English messages, e.g. `archive check`. */
  readonly noun: string;
  readonly labels: RecordLabels;
  readonly events: EventCatalogue;
  readonly lifecycle: Lifecycle<F>;
  /** The states in which no work remains; every other state is open. */
  readonly endedStates: readonly string[];
  /** The rule files' vocabulary for it: clock milestones, pausable states, categories. */
  readonly rules: RecordRules;
  readonly clocks: ClockParts<F>;
  readonly kpi: KpiParts<F, K>;
  readonly row: (facts: F) => RowProfile;
  /** The work queue its state and facts put a record in (unassigned, awaiting a callback…), if any. */
  readonly queue: RecordQueue<F>;
  /**
   * The local date that places the record in a reporting period (the day a case was received, the
   * first day of a fee ledger's billing month…); null before the record exists.
   */
  readonly reportingDate: (facts: F, zone: string) => string | null;
  /**
   * Every fact its clock rows and KPI inputs are computed from, as one string: an event that leaves
   * it unchanged leaves them unchanged, and they are not computed again.
   */
  readonly derivedInputs: (facts: F) => string;
  /**
   * The phone of the person the record is for (the owner of a complaint, the visitor), read from
   * its creating event's data, by which the desk finds their records; absent for a type that keeps none.
   */
  readonly contactPhone?: (created: unknown) => string | null;
  /**
   * The fields of its creating event (dotted paths, `owner.phone`) that hold personal data: stored
   * sealed under the record's own data key and erased by destroying it (record/personal.ts).
   */
  readonly personal?: readonly string[];
}

/** What the ruleset's files may say of a record type. */
export interface RecordRules {
  /** Milestones a clock policy may start or stop at. */
  readonly milestones: readonly string[];
  /** Lifecycle states a clock may pause in. */
  readonly pausableStates: readonly string[];
  /** Whether categories.yaml lists categories for it: required, optional (may be left out), or none. */
  readonly categories: 'required' | 'optional' | 'none';
  /** Whether a clock policy may choose by the record's complexity. */
  readonly complexity: boolean;
  /** The agreement's followUp rule for it, and its default; absent when it has no callbacks. */
  readonly followUpDefault?: 'required' | 'optional';
}

// Descriptors are gathered per type in one table; their facts and KPI shapes differ.
// biome-ignore lint/suspicious/noExplicitAny: each descriptor is declared with its own facts and KPI types; the registry holds them all.
export type AnyRecordDescriptor = RecordDescriptor<string, any, any>;

/** Declares a record type, checked against the descriptor's shape with its own types kept. */
export const recordType = <T extends string, F, K extends KpiRecordBase>(descriptor: RecordDescriptor<T, F, K>): RecordDescriptor<T, F, K> => descriptor;

/** The queue of a record type whose records wait in none of the state queues. */
export const noQueue: RecordQueue<unknown> = () => null;

/** The row profile of a record that has none of the optional columns. */
export const plainRow = (received: string | null, place: string | null = null, category: string | null = null): RowProfile => ({
  received,
  place,
  category,
  channel: null,
  complexity: null,
  department: null,
  technicianId: null,
});
