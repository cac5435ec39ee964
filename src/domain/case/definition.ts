import { initialTransition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import type { EventCatalogue } from '../events/catalogue.js';
import type { AnyCommandSpec } from './command.js';
import { tableAccepts, tableTransition, transitionTable, type Edge } from './transition-table.js';

/**
 * What a lifecycle says of one of its guards beside the check itself: why a command is refused
 * when it fails, and whether any payload could pass it given the facts (what "allowed now" asks:
 * a re-dispatch is allowed while another technician could be named; a refund only once something
 * was collected).
 */
export interface GuardRule<F, E = never> {
  readonly test: (args: { context: F; event: E }) => boolean;
  /** Why the command is refused when the guard fails; a guard that only picks a branch has none. */
  readonly refusal?: string;
  /** Whether some payload passes, given the facts; by default any could. */
  readonly possible?: (facts: F) => boolean;
  /**
   * A transition only a historical import takes (its event is marked imported): a step the old
   * system did not record is skipped rather than invented. People never take it, so it is never
   * among the actions allowed now, and a live command it would refuse is refused as if it were absent.
   */
  readonly importedOnly?: boolean;
}

/**
 * The guard of an imported-only transition (docs/migration.md, "What a summary row expands to"):
 * the event came from a historical import, and `also` holds (by default nothing more is asked).
 */
export const importedStep = <F, E extends { readonly imported?: boolean }>(
  refusal: string,
  also: (args: { context: F; event: E }) => boolean = () => true,
): GuardRule<F, E> => ({
  test: (args) => args.event.imported === true && also(args),
  refusal,
  possible: () => false,
  importedOnly: true,
});

/** The guards' checks, as XState's `setup` takes them. */
export const guardChecks = <F, E>(rules: Readonly<Record<string, GuardRule<F, E>>>): Record<string, (args: { context: F; event: E }) => boolean> =>
  Object.fromEntries(Object.entries(rules).map(([name, rule]) => [name, rule.test]));

/** The machine-agnostic view of a lifecycle that decide and evolve work with. */
export interface Lifecycle<F> {
  readonly caseType: string;
  readonly streamPrefix: string;
  readonly events: EventCatalogue;
  readonly commands: readonly AnyCommandSpec<F>[];
  /** Every state of the machine, in the order it defines them. */
  readonly states: readonly string[];
  readonly initial: LifecycleSnapshot<F>;
  /** Whether the machine accepts the event now (guards evaluated). */
  can(snapshot: LifecycleSnapshot<F>, event: MachineInput): boolean;
  /**
   * Whether the current state has any transition for this event type, whatever its guards say;
   * with `{ imported: false }`, leaving out those only a historical import takes.
   */
  handles(snapshot: LifecycleSnapshot<F>, eventType: string, options?: { readonly imported: boolean }): boolean;
  /** Whether some payload of an event of this type would be accepted now, given the facts. */
  allows(snapshot: LifecycleSnapshot<F>, eventType: string): boolean;
  /** Why the machine refuses this event now, from the refusal of the guard that failed. */
  refusal(snapshot: LifecycleSnapshot<F>, event: MachineInput): string | undefined;
  /** The next snapshot, or undefined when the machine does not accept the event. */
  next(snapshot: LifecycleSnapshot<F>, event: MachineInput): LifecycleSnapshot<F> | undefined;
  /** The snapshot of a case in `state` with these facts (as a read model stores it). */
  restore(state: string, facts: F): LifecycleSnapshot<F>;
}

export interface MachineInput {
  readonly type: string;
  readonly data: unknown;
  readonly at: string;
  /** The event comes from a historical import (its metadata says `imported`): imported-only transitions are open to it. */
  readonly imported?: boolean;
}

export interface LifecycleSnapshot<F> {
  readonly state: string;
  readonly facts: F;
  readonly done: boolean;
}

/**
 * A lifecycle over its machine, whose definition is read once as a table (the machines are flat
 * and keep everything they know in their context): `can`, `handles`, `allows` and `next` answer
 * from it, and the facts are folded with the same `apply` the machine's `record` action runs.
 * Deciding a command and folding a case's stored events are the engine's most frequent steps, and
 * XState's resolution of a snapshot and its macrostep cost several times the guard or fold they
 * run; a test replays random histories through both and holds every answer to XState's.
 */
export const lifecycle = <F, E extends MachineInput>(options: {
  caseType: string;
  machine: AnyStateMachine;
  events: EventCatalogue;
  commands: readonly AnyCommandSpec<F>[];
  guards: Readonly<Record<string, GuardRule<F, E>>>;
  apply: (facts: F, event: E) => F;
}): Lifecycle<F> => {
  const { machine, guards, caseType } = options;
  const table = transitionTable(machine);
  const used = new Set([...table.values()].flatMap((byEvent) => [...byEvent.values()].flat().map((edge) => edge.guardName)));
  for (const name of Object.keys(guards)) if (!used.has(name)) throw new Error(`${caseType}: guard ${name} is declared but no transition uses it`);
  for (const name of used) if (name !== undefined && !(name in guards)) throw new Error(`${caseType}: guard ${name} has no rule`);
  const finals = new Set(
    Object.entries(machine.config.states ?? {})
      .filter(([, node]) => (node as { type?: string }).type === 'final')
      .map(([key]) => key),
  );
  const initial = initialTransition(machine)[0] as AnyMachineSnapshot;
  const edges = (snapshot: LifecycleSnapshot<F>, eventType: string): readonly Edge[] => table.get(snapshot.state)?.get(eventType) ?? [];
  const possible = (edge: Edge, facts: F) => edge.guardName === undefined || (guards[edge.guardName]!.possible?.(facts) ?? true);
  const live = (edge: Edge) => edge.guardName === undefined || guards[edge.guardName]!.importedOnly !== true;
  return {
    caseType,
    streamPrefix: `${caseType}-`,
    events: options.events,
    commands: options.commands,
    states: [...table.keys()],
    initial: { state: String(initial.value), facts: initial.context as F, done: initial.status === 'done' },
    can: (snapshot, event) => tableAccepts(table, { state: snapshot.state, context: snapshot.facts }, event),
    handles: (snapshot, eventType, options) =>
      options?.imported === false ? edges(snapshot, eventType).some(live) : (table.get(snapshot.state)?.has(eventType) ?? false),
    allows: (snapshot, eventType) => edges(snapshot, eventType).some((edge) => possible(edge, snapshot.facts)),
    refusal: (snapshot, event) => {
      for (const edge of edges(snapshot, event.type)) {
        if (event.imported !== true && !live(edge)) continue;
        const rule = edge.guardName === undefined ? undefined : guards[edge.guardName]!;
        if (rule?.refusal !== undefined && !rule.test({ context: snapshot.facts, event: event as E })) return rule.refusal;
      }
      return undefined;
    },
    restore: (state, facts) => {
      if (!table.has(state)) throw new Error(`${caseType} has no state ${state}`);
      return { state, facts, done: finals.has(state) };
    },
    next: (snapshot, event) => {
      const next = tableTransition(
        table,
        { state: snapshot.state, context: snapshot.facts },
        event as E,
        options.apply as (context: never, event: E) => unknown,
      );
      return next && { state: next.state, facts: next.context as F, done: finals.has(next.state) };
    },
  };
};
