import { initialTransition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import type { CaseType } from '../events/envelope.js';
import type { AnyCommandSpec } from './command.js';
import { tableTransition, transitionTable } from './transition-table.js';

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
 * A lifecycle over its machine. `can` and `handles` ask the XState snapshot, resolved from the
 * state's name and facts (the machines are flat and keep everything they know in their context,
 * so the two restore it exactly). `next` reads the machine's transitions as a table: folding a
 * case's stored events is the engine's most frequent step, and XState's macrostep cost several
 * times the assignment it runs; a test replays random histories through both.
 */
export const lifecycle = <F>(options: {
  caseType: CaseType;
  machine: AnyStateMachine;
  commands: readonly AnyCommandSpec<F>[];
}): Lifecycle<F> => {
  const { machine } = options;
  const table = transitionTable(machine);
  const finals = new Set(Object.values(machine.root.states).filter((node) => node.type === 'final').map((node) => node.key));
  const resolved = new WeakMap<LifecycleSnapshot<F>, AnyMachineSnapshot>();
  // decide asks one snapshot about every command: it is resolved once.
  const raw = (snapshot: LifecycleSnapshot<F>): AnyMachineSnapshot => {
    let found = resolved.get(snapshot);
    if (!found) resolved.set(snapshot, (found = machine.resolveState({ value: snapshot.state, context: snapshot.facts as never })));
    return found;
  };
  const initial = initialTransition(machine)[0] as AnyMachineSnapshot;
  return {
    caseType: options.caseType,
    streamPrefix: `${options.caseType}-`,
    commands: options.commands,
    initial: { state: String(initial.value), facts: initial.context as F, done: initial.status === 'done' },
    can: (snapshot, event) => raw(snapshot).can(event as never),
    handles: (snapshot, eventType) => raw(snapshot)._nodes.some((node) => node.ownEvents.includes(eventType)),
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
