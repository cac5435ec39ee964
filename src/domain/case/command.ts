import type { z } from 'zod';
import type { Actor, Role } from '../events/envelope.js';
import type { Ruleset } from '../ruleset/ruleset.js';
import type { StaffLookup } from '../staff/person.js';

/** What a command's rules may look at besides its payload, the ruleset and the facts. */
export interface CommandContext {
  /** The server clock, as ISO. */
  readonly now: string;
  /** The time the event counts from (already checked against the back-dating rules). */
  readonly occurredAt: string;
  /** The staff directory, for commands that name a person (a dispatch); absent, such a command is refused. */
  readonly staff?: StaffLookup;
  /** An administrator's historical import: the people named are who did the work then. */
  readonly imported: boolean;
  /** Who sends the command. */
  readonly actor: Actor;
}

/** A command as the engine receives it, after the API validated its shape. */
export interface CaseCommand {
  readonly caseId: string;
  /** The action's name, e.g. `acknowledge`, `pause`; the creating commands are `receive` and `report`. */
  readonly name: string;
  readonly payload: unknown;
  /** Unique per intended change: a retry carries the same id and so derives the same event ids. */
  readonly commandId: string;
  readonly actor: Actor;
  /** For a creating command: the work-order number the application minted, recorded in the creating event. */
  readonly number?: string;
  /** What the desk claims; default now. */
  readonly occurredAt?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
}

export interface EventDraft {
  readonly type: string;
  readonly data: unknown;
}

/** A rule of the agreement that refuses a command: where it is written, and why it applies. */
export interface PolicyRefusal {
  /** e.g. `agreements/demo-2026.yaml followUp.complaint: required`. */
  readonly rule: string;
  readonly reason: string;
}

/** One command of a lifecycle: its payload shape, who may issue it, and the event it decides. */
export interface CommandSpec<F, P = never> {
  readonly name: string;
  readonly summary: string;
  readonly payload: z.ZodType<P>;
  /**
   * The payload a historical import may give instead, when it may leave out what the old system
   * did not record (an owner's name and phone); the forms and the API read `payload` only. Its
   * output goes to `validate` and `toEvent` as the payload's would: it differs only in what it leaves out.
   */
  readonly importPayload?: z.ZodType;
  readonly roles: readonly Role[];
  /** True for the command that opens the case. */
  readonly creates?: boolean;
  /** The event types it may decide: whether it is allowed now is whether the lifecycle allows one of them. */
  readonly emits: readonly string[];
  readonly toEvent: (payload: NoInfer<P>, facts: F) => EventDraft;
  /** Rules that need the ruleset (known category, department…) or the facts (an amount within what is owed…); throws InvalidCommandError. */
  readonly validate?: (payload: NoInfer<P>, ruleset: Ruleset, facts: F, context: CommandContext) => void;
  /**
   * The agreement's policy on a command the lifecycle accepts (e.g. whether a case may be closed
   * after a dissatisfied callback), checked after the lifecycle, from the facts alone: the rule
   * that refuses it, if any (answered as TRANSITION_NOT_ALLOWED, naming the rule).
   */
  readonly policy?: (facts: F, ruleset: Ruleset, propertyId: string) => PolicyRefusal | undefined;
  /**
   * For a creating command whose record has a natural key (a fee ledger: one per unit and month),
   * the record's id from its payload: a second record for the same key is refused, not duplicated.
   */
  readonly naturalId?: (payload: NoInfer<P>) => string;
  /** The people of the staff directory the command names, which the application refreshes before deciding. */
  readonly people?: (payload: NoInfer<P>) => readonly string[];
  /**
   * For an event whose time is a fact of its payload rather than a claim — a deadline miss occurs
   * at its deadline, however late it is noticed — that instant. It is computed by the engine, not
   * typed by a desk, so neither the back-dating allowance nor the previous event's time bounds it
   * (docs/domain.md "Misses"); it is still never ahead of the server clock.
   */
  readonly occursAt?: (payload: NoInfer<P>) => string;
}

// Command specs are declared per payload type and gathered in one table per case type.
// biome-ignore lint/suspicious/noExplicitAny: each spec is declared with its own payload type; the table holds them all.
export type AnyCommandSpec<F> = CommandSpec<F, any>;

export const command = <F, P>(spec: CommandSpec<F, P>): CommandSpec<F, P> => spec;

/** Staff who record what owners and departments report. */
export const deskRoles: readonly Role[] = ['frontdesk', 'dispatcher', 'admin'];
export const dispatchRoles: readonly Role[] = ['dispatcher', 'admin'];
export const fieldRoles: readonly Role[] = ['technician', 'dispatcher', 'admin'];
export const systemRoles: readonly Role[] = ['system'];
/** Bills and payments: the finance office, or a front desk that takes payments. */
export const financeRoles: readonly Role[] = ['finance', 'frontdesk', 'admin'];
/** The quality department's own records (spot checks of procedures). */
export const qualityRoles: readonly Role[] = ['inspector', 'admin'];
