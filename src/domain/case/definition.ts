import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import type { CaseType } from '../events/envelope.js';
import type { AnyCommandSpec } from './command.js';

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
  /** The XState snapshot itself, kept for the next transition. */
  readonly machine: unknown;
}

export const lifecycle = <F>(options: {
  caseType: CaseType;
  machine: AnyStateMachine;
  commands: readonly AnyCommandSpec<F>[];
}): Lifecycle<F> => {
  const { machine } = options;
  const wrap = (snapshot: AnyMachineSnapshot): LifecycleSnapshot<F> => ({
    state: String(snapshot.value),
    facts: snapshot.context as F,
    done: snapshot.status === 'done',
    machine: snapshot,
  });
  // The machines are typed where they are written; here only their generic protocol is used.
  const raw = (s: LifecycleSnapshot<F>) => s.machine as AnyMachineSnapshot;
  return {
    caseType: options.caseType,
    streamPrefix: `${options.caseType}-`,
    commands: options.commands,
    initial: wrap(initialTransition(machine)[0] as AnyMachineSnapshot),
    can: (snapshot, event) => raw(snapshot).can(event as never),
    handles: (snapshot, eventType) => raw(snapshot)._nodes.some((node) => node.ownEvents.includes(eventType)),
    next: (snapshot, event) => {
      if (!raw(snapshot).can(event as never)) return undefined;
      return wrap(transition(machine, raw(snapshot), event as never)[0] as AnyMachineSnapshot);
    },
  };
};
