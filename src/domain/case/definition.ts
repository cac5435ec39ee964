import { createActor, initialTransition, type AnyActorScope, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
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

/**
 * What a pure transition runs in. xstate's `transition` builds a throwaway actor (and with it the
 * machine's initial snapshot) on every call, most of a transition's cost; the lifecycle machines'
 * only actions are assigns, which need nothing from the actor, so one inert scope serves them all.
 */
const inertScope = (machine: AnyStateMachine): AnyActorScope => {
  const self = createActor(machine);
  return {
    self, system: self.system, id: '', sessionId: '',
    defer: () => {}, logger: () => {}, stopChild: () => {}, emit: () => {}, actionExecutor: () => {},
  } as unknown as AnyActorScope;
};

export const lifecycle = <F>(options: {
  caseType: CaseType;
  machine: AnyStateMachine;
  commands: readonly AnyCommandSpec<F>[];
}): Lifecycle<F> => {
  const { machine } = options;
  const scope = inertScope(machine);
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
      return wrap(machine.transition(raw(snapshot), event as never, scope) as AnyMachineSnapshot);
    },
  };
};
