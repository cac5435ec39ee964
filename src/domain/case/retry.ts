import { Temporal } from 'temporal-polyfill';
import { canonicalJson } from '../canonical.js';
import type { DomainEvent } from '../events/envelope.js';
import { numberOf, withNumber } from '../record/number.js';
import type { CaseCommand } from './command.js';
import type { Lifecycle } from './definition.js';
import type { CaseState } from './state.js';

/**
 * Whether `command` is the request that produced `stored` (the first event its command id
 * wrote), decided before it on `before`: the same action, the same fields once parsed, and
 * the same claimed time (or none). Returns what differs, or undefined when it is the
 * same request — so a retry gets the original answer and a different request reusing the id
 * gets an error, never someone else's answer. Pure: the event is recomputed as decide made it.
 */
export const retryDifference = <F>(lifecycle: Lifecycle<F>, before: CaseState<F>, command: CaseCommand, stored: DomainEvent): string | undefined => {
  const spec = lifecycle.commands.find((c) => c.name === command.name);
  if (!spec) return `another action than ${command.name}`;
  const parsed = spec.payload.safeParse(command.payload);
  if (!parsed.success) return 'a body that is not valid for the action';
  // A retry is not given a number of its own: it is answered with the one the first request got.
  const number = spec.creates ? (numberOf(stored.data) ?? undefined) : undefined;
  const draft = withNumber(spec.toEvent(parsed.data, before.snapshot.facts), number);
  if (draft.type !== stored.type) return `the key was used for a request that recorded ${stored.type}, this one would record ${draft.type}`;
  if (canonicalJson(draft.data) !== canonicalJson(stored.data)) return 'other fields in the body';
  const { occurredAt, recordedAt } = stored.metadata;
  // An event that states its own time (a deadline miss) occurs then, claimed or not.
  const claimed = command.occurredAt ?? spec.occursAt?.(parsed.data);
  if (claimed === undefined) {
    // Without a claimed time an event occurs when it is recorded: a first request that claimed one was another request.
    return occurredAt === recordedAt ? undefined : `no occurredAt; the first request claimed ${occurredAt}`;
  }
  if (!Temporal.Instant.from(claimed).equals(Temporal.Instant.from(occurredAt))) {
    return `another occurredAt (${claimed}; the first request's was ${occurredAt})`;
  }
  return undefined;
};
