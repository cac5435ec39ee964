import { initialTransition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import type { CaseType } from '../events/envelope.js';
import type { AnyCommandSpec } from './command.js';
import { tableAccepts, tableTransition, transitionTable } from './transition-table.js';

/** The machine-agnostic view of a lifecycle that decide and evolve work with. */
export interface Lifecycle<F> {
  readonly caseType: CaseType;
  readonly streamPrefix: string;
  readonly commands: readonly AnyCommandSpec<F>[];
  readonly initial: LifecycleSnapshot<F>;
  /** Whether the machine accepts the event now (guards evaluated). */
  can(snapshot: LifecycleSnapshot<F>, event: MachineInput): boolean;
  /** Whether the current state has any transition for this event type, whatever its guards say. */
  handles(snapshot: LifecycleSnapshot<F>, eventType: string): boolean;
  /** The next snapshot, or undefined when the machine does not accept the event. */
  next(snapshot: LifecycleSnapshot<F>, event: MachineInput): LifecycleSnapshot<F> | undefined;
  /** The snapshot of a case in `state` with these facts (as a read model stores it). */
  restore(state: string, facts: F): LifecycleSnapshot<F>;
}

export interface MachineInput {
  readonly type: string;
  readonly data: unknown;
  readonly at: string;
}

export interface LifecycleSnapshot<F> {
  readonly state: string;
  readonly facts: F;
  readonly done: boolean;
}

/**
 * A lifecycle over its machine, whose transitions are read once as a table (the machines are flat
 * and keep everything they know in their context): `can`, `handles` and `next` answer from it.
 * Deciding a command and folding a case's stored events are the engine's most frequent steps, and
 * XState's resolution of a snapshot and its macrostep cost several times the guard or assignment
 * they run; a test replays random histories through both and holds every answer to XState's.
 */
export const lifecycle = <F>(options: {
  caseType: CaseType;
  machine: AnyStateMachine;
  commands: readonly AnyCommandSpec<F>[];
}): Lifecycle<F> => {
  const { machine } = options;
  const table = transitionTable(machine);
  const finals = new Set(Object.values(machine.root.states).filter((node) => node.type === 'final').map((node) => node.key));
  const initial = initialTransition(machine)[0] as AnyMachineSnapshot;
  return {
    caseType: options.caseType,
    streamPrefix: `${options.caseType}-`,
    commands: options.commands,
    initial: { state: String(initial.value), facts: initial.context as F, done: initial.status === 'done' },
    can: (snapshot, event) => tableAccepts(table, { state: snapshot.state, context: snapshot.facts }, event),
    handles: (snapshot, eventType) => table.get(snapshot.state)?.has(eventType) ?? false,
    restore: (state, facts) => {
      if (!table.has(state)) throw new Error(`${options.caseType} has no state ${state}`);
      return { state, facts, done: finals.has(state) };
    },
    next: (snapshot, event) => {
      const next = tableTransition(table, { state: snapshot.state, context: snapshot.facts }, event);
      return next && { state: next.state, facts: next.context as F, done: finals.has(next.state) };
    },
  };
};
