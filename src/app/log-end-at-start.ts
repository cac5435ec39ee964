/**
 * Before a server or `npm run rebuild` writes anything: is the log as long as it was? A log that
 * lost events its anchor names (store/log-end.ts) is refused, unless the operator accepts the loss
 * by naming the anchor's position; the acceptance is then recorded in the log itself, so that the
 * lost positions can be named for good. Read models that applied events the log no longer holds
 * are rebuilt.
 */
import type Database from 'better-sqlite3';
import { v5 as uuidv5 } from 'uuid';
import type { Actor } from '../domain/events/envelope.js';
import { checkpointTable } from '../projections/checkpoints.js';
import type { Clock } from '../runtime/clock.js';
import { isRevisionConflict } from '../store/errors.js';
import { describeLogLoss, type LogEndCheck } from '../store/log-end.js';
import { NO_STREAM, type EventStore } from '../store/port.js';

/** Apart from every record type's `<type>-<id>`: projections and the hash-chain check pass it by. */
export const LOG_LOSS_STREAM_PREFIX = 'log-loss-';
export const LOG_LOSS_ACCEPTED = 'LogLossAccepted';
const NAMESPACE = '5e0c2f7a-91d4-5b6e-a3c8-4d7f1e2b9a06';

/** The start cannot go on: one line naming what was lost, the likely cause and the fix. */
export class LogLossRefusedError extends Error {}

/**
 * What the check at start found: `unchecked`, the store keeps no anchor (EventStoreDB answers for its
 * own durability); `in_step`, the log is as long as its anchor or longer; `accepted`, a loss the
 * operator accepted, now recorded at `eventPosition`.
 */
export type LogEndAtStart = (
  | { readonly kind: 'unchecked' }
  | { readonly kind: 'in_step'; readonly logEnd: bigint; readonly ignoredAcceptance: boolean }
  | { readonly kind: 'accepted'; readonly logEnd: bigint; readonly loss: Extract<LogEndCheck, { status: 'lost' }>; readonly eventPosition: bigint }
) & {
  /** The read models marked to be rebuilt from position 0 when their runner starts. */
  readonly rebuilt: readonly string[];
};

export interface LogEndAtStartOptions {
  readonly store: EventStore;
  /** ACCEPT_LOG_LOSS: the anchor's position, exactly, to go on without the events lost after the log's end. */
  readonly acceptLossAt: string | undefined;
  readonly clock: Clock;
  /** Who accepts: recorded in the LogLossAccepted event. */
  readonly actor: Actor;
  /** The read-model database (openReadModelDb), whose projections' checkpoints are compared with the log's end. */
  readonly readModels: Database.Database;
}

/**
 * Marks for a rebuild from position 0 the read models that applied events the log no longer holds:
 * every one after a loss, else those whose checkpoint is past the log's end (they would skip as many
 * new events). The runner rebuilds them at its start.
 */
const markReadModels = (db: Database.Database, logEnd: bigint | 'all'): string[] => {
  const checkpoints = checkpointTable(db);
  const names = checkpoints.pastEnd(logEnd === 'all' ? -1n : logEnd);
  if (names.length > 0) checkpoints.forget(names);
  return names;
};

export const checkLogEndAtStart = async ({ store, acceptLossAt, clock, actor, readModels }: LogEndAtStartOptions): Promise<LogEndAtStart> => {
  const guard = store.logEnd;
  if (!guard) return { kind: 'unchecked', rebuilt: [] };
  const found = guard.check();
  if (found.status !== 'lost') {
    return { kind: 'in_step', logEnd: found.logEnd, ignoredAcceptance: acceptLossAt !== undefined, rebuilt: markReadModels(readModels, found.logEnd) };
  }
  if (acceptLossAt !== found.anchor.position) {
    const other = acceptLossAt === undefined ? '' : ` (ACCEPT_LOG_LOSS=${acceptLossAt} names another position, so it accepts nothing)`;
    throw new LogLossRefusedError(`${describeLogLoss(found, guard.file)}${other}`);
  }
  const loss = guard.acceptLoss(BigInt(acceptLossAt));
  const { anchor } = loss;
  const event = {
    id: uuidv5(`${anchor.position}:${anchor.hash}`, NAMESPACE),
    type: LOG_LOSS_ACCEPTED,
    data: {
      reason: loss.reason,
      logEnd: String(loss.logEnd),
      lostFrom: loss.lost.from,
      lostTo: loss.lost.to,
      eventsLost: loss.eventsLost,
      anchor: { position: anchor.position, events: anchor.events, eventId: anchor.eventId, hash: anchor.hash, recordedAt: anchor.recordedAt },
    },
    metadata: { actor, recordedAt: clock.now().toString() },
  };
  let eventPosition: bigint;
  try {
    eventPosition = (await store.appendToStream(`${LOG_LOSS_STREAM_PREFIX}${anchor.position}`, [event], { expectedRevision: NO_STREAM })).position.commit;
  } catch (error) {
    // Recorded by an earlier start that stopped before the anchor was reset: it stands.
    if (!isRevisionConflict(error)) throw error;
    eventPosition = (await store.readStream(`${LOG_LOSS_STREAM_PREFIX}${anchor.position}`))[0]!.position.commit;
  }
  // Only once the loss is in the log, and the read models that hold lost events are marked, does the anchor let go of it.
  const rebuilt = markReadModels(readModels, 'all');
  await guard.reset();
  return { kind: 'accepted', logEnd: loss.logEnd, loss, eventPosition, rebuilt };
};
