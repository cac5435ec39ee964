import type { z } from 'zod';
import type { Actor, Role } from '../events/envelope.js';
import type { Ruleset } from '../ruleset/ruleset.js';

/** A command as the engine receives it, after the API validated its shape. */
export interface CaseCommand {
  readonly caseId: string;
  /** The action's name, e.g. `acknowledge`, `pause`; the creating commands are `receive` and `report`. */
  readonly name: string;
  readonly payload: unknown;
  /** Unique per intended change: a retry carries the same id and so derives the same event ids. */
  readonly commandId: string;
  readonly actor: Actor;
  /** What the desk claims; default now. */
  readonly occurredAt?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
}

export interface EventDraft {
  readonly type: string;
  readonly data: unknown;
}

/** One command of a lifecycle: its payload shape, who may issue it, and the event it decides. */
export interface CommandSpec<F, P = never> {
  readonly name: string;
  readonly summary: string;
  readonly payload: z.ZodType<P>;
  readonly roles: readonly Role[];
  /** True for the command that opens the case. */
  readonly creates?: boolean;
  readonly toEvent: (payload: NoInfer<P>, facts: F) => EventDraft;
  /** A payload that passes this command's own guards given the facts: used to list what is allowed now. */
  readonly sample: (facts: F) => NoInfer<P>;
  /** Rules that need the ruleset (known category, department…); throws InvalidCommandError. */
  readonly validate?: (payload: NoInfer<P>, ruleset: Ruleset, facts: F) => void;
}

// Command specs are declared per payload type and gathered in one table per case type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommandSpec<F> = CommandSpec<F, any>;

export const command = <F, P>(spec: CommandSpec<F, P>): CommandSpec<F, P> => spec;

/** Staff who record what owners and departments report. */
export const deskRoles: readonly Role[] = ['frontdesk', 'dispatcher', 'admin'];
export const dispatchRoles: readonly Role[] = ['dispatcher', 'admin'];
export const fieldRoles: readonly Role[] = ['technician', 'dispatcher', 'admin'];
export const systemRoles: readonly Role[] = ['system'];
