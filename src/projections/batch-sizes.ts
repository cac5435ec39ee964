// How many events (and cases) the runner's batches hold: live, catching up, and in a rebuild.

/** Most events a live batch applies in one transaction. */
export const DEFAULT_BATCH_SIZE = 1_000;
/**
 * Behind (a start over a long log, a version bump), each batch costs its transaction, its
 * checkpoint and a write of every case it touched: batches of 10,000 events catch up on 2/3 of the
 * CPU of batches of 1,000 (docs/performance.md, "Catching up"). Live batches stay small: they are
 * what a request waiting for the read models waits for.
 */
export const CATCH_UP_BATCH_SIZE = 10_000;
/**
 * For a rebuild from position 0: a case's events lie far apart in the log, and a projection that
 * writes each touched case once a batch (cases) does less work the more of them one batch holds.
 * It applies in memory, so a batch holds the cases it touched, not its events, and a large batch
 * costs memory only for those (docs/performance.md, "Projections and rebuilds").
 */
export const REBUILD_BATCH_SIZE = 50_000;
/**
 * A batch also ends once it has touched this many cases: a projection that applies in memory
 * holds each of them until the batch is written, so this, with the cases it keeps between
 * batches, bounds its memory whatever the log (a stretch of events each of another case would
 * otherwise hold 50,000), above what the benchmark log's batches touch.
 */
export const REBUILD_BATCH_CASES = 15_000;
