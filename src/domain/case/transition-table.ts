import type { AnyStateMachine } from 'xstate';

type GuardTest = (args: { context: unknown; event: unknown }) => boolean;

/** One transition of a state on an event type, as the machine's definition writes it. */
export interface Edge {
  /** The guard's name in the machine's definition; undefined for a transition without one. */
  readonly guardName: string | undefined;
  readonly guard: GuardTest | undefined;
  /** The state entered; undefined for a transition that stays (and only records). */
  readonly target: string | undefined;
  /** Whether the transition records the event into the facts (the machine's `record` action). */
  readonly records: boolean;
}

/** A state's transitions by event type, each list in the order XState tries them. */
export type TransitionTable = ReadonlyMap<string, ReadonlyMap<string, readonly Edge[]>>;

export interface TableState {
  readonly state: string;
  readonly context: unknown;
}

/** The shape of a lifecycle machine's definition: flat states, each with its `on` transitions. */
interface StateConfig {
  readonly type?: string;
  readonly on?: Readonly<Record<string, unknown>>;
  readonly states?: unknown;
  readonly [key: string]: unknown;
}
interface TransitionConfig {
  readonly target?: unknown;
  readonly guard?: unknown;
  readonly actions?: unknown;
  readonly [key: string]: unknown;
}

/** The one action a lifecycle transition may run: fold the event into the facts. */
export const RECORD_ACTION = 'record';
const STATE_KEYS = new Set(['type', 'on', 'description', 'meta', 'tags']);
const TRANSITION_KEYS = new Set(['target', 'guard', 'actions', 'description', 'meta']);

/**
 * The machine's definition (`machine.config`) read as a lookup table: for each state, for each
 * event type, the guarded targets in the order XState tries them. Only a flat machine whose
 * transitions name their guard and run no action but `record` reads this way (the lifecycles are
 * such machines); for any other the table is refused with the reason, so it never guesses.
 */
export const transitionTable = (machine: AnyStateMachine): TransitionTable => {
  const config = machine.config as { readonly on?: unknown; readonly states?: Readonly<Record<string, StateConfig>>; readonly [key: string]: unknown };
  const guards = (machine.implementations.guards ?? {}) as Readonly<Record<string, unknown>>;
  const refuse = (why: string): never => {
    throw new Error(`machine ${machine.id} cannot be read as a transition table: ${why}`);
  };
  for (const key of ['on', 'entry', 'exit', 'always', 'after', 'invoke']) if (config[key] !== undefined) refuse('the root has behaviour of its own');
  const states = config.states ?? {};
  const table = new Map<string, Map<string, Edge[]>>();
  for (const [key, state] of Object.entries(states)) {
    const extra = Object.keys(state).find((field) => !STATE_KEYS.has(field));
    if (extra !== undefined || (state.type !== undefined && state.type !== 'atomic' && state.type !== 'final'))
      refuse(`state ${key} is not a plain atomic state`);
    const byEvent = new Map<string, Edge[]>();
    for (const [eventType, written] of Object.entries(state.on ?? {})) {
      if (eventType.includes('*')) refuse(`state ${key} has a wildcard transition`);
      const transitions = (Array.isArray(written) ? written : [written]) as ReadonlyArray<TransitionConfig | string>;
      byEvent.set(
        eventType,
        transitions.map((transition): Edge => {
          const { target, guard, actions } = typeof transition === 'string' ? ({ target: transition } as TransitionConfig) : transition;
          if (typeof transition !== 'string' && Object.keys(transition).some((field) => !TRANSITION_KEYS.has(field)))
            refuse(`${key} on ${eventType} has behaviour the table does not read`);
          if (guard !== undefined && typeof guard !== 'string') refuse(`a guard of ${key} on ${eventType} is not named`);
          const check = guard === undefined ? undefined : guards[guard as string];
          if (guard !== undefined && typeof check !== 'function') refuse(`guard ${String(guard)} is not implemented as a plain function`);
          if (target !== undefined && (typeof target !== 'string' || !(target in states))) refuse(`${key} on ${eventType} does not target one sibling state`);
          const named = actions === undefined ? [] : Array.isArray(actions) ? actions : [actions];
          if (named.some((action) => action !== RECORD_ACTION)) refuse(`an action of ${key} on ${eventType} is not "${RECORD_ACTION}"`);
          if (named.length === 0 && target === undefined) refuse(`${key} on ${eventType} neither moves nor records`);
          return {
            guardName: guard as string | undefined,
            guard: check as GuardTest | undefined,
            target: target as string | undefined,
            records: named.length > 0,
          };
        }),
      );
    }
    table.set(key, byEvent);
  }
  return table;
};

const passes = (edge: Edge, from: TableState, event: unknown) => edge.guard === undefined || edge.guard({ context: from.context, event });

/** Whether the machine accepts `event` in `from` (a transition whose guard passes), as XState's `can` answers. */
export const tableAccepts = (table: TransitionTable, from: TableState, event: { readonly type: string }): boolean =>
  table
    .get(from.state)
    ?.get(event.type)
    ?.some((edge) => passes(edge, from, event)) ?? false;

/**
 * The state and context after `event`, as XState's transition computes them (the first candidate
 * whose guard passes; a recording transition merges what `apply` folds into a copy of the context,
 * as the machine's `record` action assigns it); undefined when the machine does not accept the event.
 */
export const tableTransition = <E extends { readonly type: string }>(
  table: TransitionTable,
  from: TableState,
  event: E,
  apply: (context: never, event: E) => unknown,
): TableState | undefined => {
  const edges = table.get(from.state)?.get(event.type);
  if (edges === undefined) return undefined;
  // A plain loop: this runs for every event folded, and a callback per edge costs more than the guard.
  for (const edge of edges) {
    if (edge.guard !== undefined && !edge.guard({ context: from.context, event })) continue;
    return { state: edge.target ?? from.state, context: edge.records ? Object.assign({}, from.context, apply(from.context as never, event)) : from.context };
  }
  return undefined;
};
