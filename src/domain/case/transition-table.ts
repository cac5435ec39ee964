import type { AnyStateMachine } from 'xstate';

interface Edge {
  readonly guard: ((args: { context: unknown; event: unknown }, params: undefined) => boolean) | undefined;
  /** The state entered; undefined for a transition that stays (and only records). */
  readonly target: string | undefined;
  readonly assignments: ReadonlyArray<(args: { context: unknown; event: unknown }, params: undefined) => object>;
}

/** A state's transitions by event type, each list in the order XState tries them. */
export type TransitionTable = ReadonlyMap<string, ReadonlyMap<string, readonly Edge[]>>;

export interface TableState {
  readonly state: string;
  readonly context: unknown;
}

interface StateNodeLike {
  readonly key: string;
  readonly type: string;
  readonly parent?: StateNodeLike;
  readonly entry: readonly unknown[];
  readonly exit: readonly unknown[];
  readonly invoke: readonly unknown[];
  readonly always?: readonly unknown[];
  readonly after: readonly unknown[];
  readonly states: Record<string, StateNodeLike>;
  readonly transitions: Map<string, Array<{ guard?: unknown; target?: readonly StateNodeLike[]; actions: readonly unknown[]; reenter: boolean }>>;
}

type Implementation = { type?: string; assignment?: unknown };

/**
 * The machine's own transitions as a lookup table: for each state, for each event type, the
 * guarded targets and the context assignments XState would run. Only a flat machine whose
 * transitions have named guards and assign actions and whose states have no entry, exit,
 * eventless, delayed or invoked behaviour reads this way (the lifecycles are such machines); for
 * any other the table is refused with the reason, so it never guesses.
 */
export const transitionTable = (machine: AnyStateMachine): TransitionTable => {
  const root = machine.root as unknown as StateNodeLike;
  const { guards, actions } = machine.implementations as { guards: Record<string, unknown>; actions: Record<string, Implementation> };
  const refuse = (why: string): never => {
    throw new Error(`machine ${machine.id} cannot be read as a transition table: ${why}`);
  };
  const plain = (node: StateNodeLike) => node.entry.length === 0 && node.exit.length === 0 && node.invoke.length === 0 && (node.always ?? []).length === 0 && node.after.length === 0;
  if (!plain(root) || root.transitions.size > 0) refuse('the root has behaviour of its own');
  const table = new Map<string, Map<string, Edge[]>>();
  for (const node of Object.values(root.states)) {
    if ((node.type !== 'atomic' && node.type !== 'final') || !plain(node)) refuse(`state ${node.key} is not a plain atomic state`);
    const byEvent = new Map<string, Edge[]>();
    for (const [eventType, transitions] of node.transitions) {
      if (eventType.includes('*')) refuse(`state ${node.key} has a wildcard transition`);
      byEvent.set(eventType, transitions.map((transition): Edge => {
        const { guard, target } = transition;
        if (guard !== undefined && typeof guard !== 'string') refuse(`a guard of ${node.key} on ${eventType} is not named`);
        const check = guard === undefined ? undefined : guards[guard as string];
        if (check !== undefined && (typeof check !== 'function' || 'check' in check)) refuse(`guard ${String(guard)} is not a plain function`);
        if (guard !== undefined && check === undefined) refuse(`guard ${String(guard)} is not implemented`);
        if (target !== undefined && (target.length !== 1 || target[0]!.parent !== root)) refuse(`${node.key} on ${eventType} does not target one sibling state`);
        if (transition.actions.length === 0 && target === undefined) refuse(`${node.key} on ${eventType} neither moves nor records`);
        const assignments = transition.actions.map((action) => {
          const implementation = typeof action === 'string' ? actions[action] : undefined;
          if (implementation?.type !== 'xstate.assign' || typeof implementation.assignment !== 'function') refuse(`an action of ${node.key} on ${eventType} is not a named assign`);
          return implementation!.assignment as Edge['assignments'][number];
        });
        return { guard: check as Edge['guard'], target: target?.[0]!.key, assignments };
      }));
    }
    table.set(node.key, byEvent);
  }
  return table;
};

/** Whether the machine accepts `event` in `from` (a transition whose guard passes), as XState's `can` answers. */
export const tableAccepts = (table: TransitionTable, from: TableState, event: { readonly type: string }): boolean => {
  const edges = table.get(from.state)?.get(event.type);
  return edges !== undefined && edges.some((edge) => edge.guard === undefined || edge.guard({ context: from.context, event }, undefined));
};

/**
 * The state and context after `event`, as XState's transition computes them (the first candidate
 * whose guard passes; each assignment merged into a copy of the context); undefined when the
 * machine does not accept the event.
 */
export const tableTransition = (table: TransitionTable, from: TableState, event: { readonly type: string }): TableState | undefined => {
  const edges = table.get(from.state)?.get(event.type);
  if (edges === undefined) return undefined;
  for (const edge of edges) {
    if (edge.guard !== undefined && !edge.guard({ context: from.context, event }, undefined)) continue;
    let context = from.context;
    for (const assignment of edge.assignments) context = Object.assign({}, context, assignment({ context, event }, undefined));
    return { state: edge.target ?? from.state, context };
  }
  return undefined;
};
