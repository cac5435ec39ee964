import type Database from 'better-sqlite3';
import { queueIds, stateQueues, type QueueId } from '../../domain/record/queues.js';
import { alertCandidateSql, clockStatusSql, liveClockSql } from '../clock-status.js';
import type { RowCondition } from './case-list.js';

/** What a queue asks of a record at an instant. */
export interface QueueContext {
  /** Epoch milliseconds. */
  readonly now: number;
  /** The rules' `pausedLongHours`, in milliseconds. */
  readonly pausedLongMs: number;
}

/**
 * The record has a live clock meeting `condition`. Written as the records of the clocks that meet
 * it (rather than a test of each open record's clocks), so that SQLite reads those clocks through
 * their partial indexes and then their records by key: as many reads as the queue holds, not as
 * many as the property has open records.
 */
const liveClock = (condition: string) =>
  `(c.case_type, c.case_id) IN (SELECT k.case_type, k.case_id FROM case_clocks k WHERE ${liveClockSql('k')} AND ${condition})`;

/**
 * The condition that puts a record of the `cases` row `c` in a queue: the queue its record type
 * gave its state (written with the row), or, for the clocks' queues, one of its live clocks now.
 */
export const queueCondition = (queue: QueueId, at: QueueContext): RowCondition => {
  if ((stateQueues as readonly string[]).includes(queue)) return { sql: 'c.queue = @queue', params: { queue } };
  switch (queue) {
    case 'paused_long':
      return { sql: `c.open = 1 AND ${liveClock('k.paused_since <= @pausedBefore')}`, params: { pausedBefore: at.now - at.pausedLongMs } };
    case 'at_risk':
    case 'missed':
      return {
        sql: `c.open = 1 AND ${liveClock(`${alertCandidateSql('k')} AND ${clockStatusSql('k')} = @clockStatus`)}`,
        params: { clockStatus: queue, now: at.now },
      };
    default:
      throw new Error(`unknown queue ${queue}`);
  }
};

/** How many of the property's records wait in each queue now. */
export const queueCounts = (db: Database.Database, propertyId: string, at: QueueContext): Record<QueueId, number> => {
  const counts = {} as Record<QueueId, number>;
  for (const queue of queueIds) {
    const condition = queueCondition(queue, at);
    const sql = `SELECT count(*) FROM cases c WHERE c.property_id = @propertyId AND ${condition.sql}`;
    counts[queue] = db
      .prepare(sql)
      .pluck()
      .get({ propertyId, ...condition.params }) as number;
  }
  return counts;
};
