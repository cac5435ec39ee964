/**
 * The desk's work queues. A record waits in a queue of its state (declared by its record type's
 * descriptor: which of its states and facts mean the queue), or of its SLA clocks (the same for
 * every type, read from the clocks' read model at the instant asked).
 */
export const stateQueues = ['unassigned', 'awaiting_callback', 'follow_up', 'referred'] as const;
export type StateQueue = (typeof stateQueues)[number];

/**
 * `paused_long`: a clock paused longer than the rules' `intake.yaml pausedLongHours`; `at_risk` and
 * `missed`: a clock of an open record at risk, or past its deadline.
 */
export const clockQueues = ['paused_long', 'at_risk', 'missed'] as const;
export type ClockQueue = (typeof clockQueues)[number];

export const queueIds = [...stateQueues, ...clockQueues] as const;
export type QueueId = (typeof queueIds)[number];

/** A record type's queues: the one its state and facts put it in now, if any. */
export type RecordQueue<F> = (state: string, facts: F) => StateQueue | null;

/** The queue of a record whose states alone say it: each state's queue, if any. */
export const byState =
  (queues: Readonly<Record<string, StateQueue>>): RecordQueue<unknown> =>
  (state) =>
    queues[state] ?? null;
