import type Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { projectedEvent } from '../../src/projections/consumer.js';
import { casesProjection, openReadModelDb } from '../../src/projections/index.js';
import type { CasesProjectionOptions } from '../../src/projections/cases/projection.js';
import { CASE_EVENTS } from '../../src/projections/log-scan.js';
import { matchesFilter } from '../../src/store/port.js';
import { buildWorld, complaintBody } from './harness.js';

/** A read-model database that counts the reads of a stored case (restoring it from its row). */
const countingCaseReads = () => {
  const db = openReadModelDb(':memory:');
  const counter = { reads: 0 };
  const prepare = db.prepare.bind(db);
  db.prepare = ((source: string) => {
    const statement = prepare(source);
    if (source.startsWith('SELECT state, facts')) {
      const get = statement.get.bind(statement);
      statement.get = (...parameters: unknown[]) => {
        counter.reads += 1;
        return get(...parameters);
      };
    }
    return statement;
  }) as Database.Database['prepare'];
  return { db, counter };
};

/**
 * The cases projection on such a database, fed by hand: each batch applies the world's case events
 * not applied yet, in one transaction, live or catching up.
 */
const projectionOf = async (t: Test, options: CasesProjectionOptions = {}) => {
  const world = await buildWorld();
  const { db, counter } = countingCaseReads();
  t.teardown(() => db.close());
  const projection = casesProjection(options);
  projection.setup(db);
  const ctx = { ruleset: () => world.ruleset };
  let applied = 0;
  const batch = async ({ catchingUp }: { catchingUp: boolean }) => {
    const events = (await world.store.readAll())
      .filter((event) => matchesFilter(event, CASE_EVENTS))
      .slice(applied)
      .map(projectedEvent);
    applied += events.length;
    db.transaction(() => {
      for (const event of events) projection.apply(db, event, ctx);
      projection.endBatch!(db, ctx, { catchingUp });
    })();
  };
  return { world, db, counter, batch };
};

t.test('live, a case just opened is restored from its row at its next event, and kept from then on', async (t) => {
  const { world, db, counter, batch } = await projectionOf(t);
  const liveBatch = () => batch({ catchingUp: false });

  await world.act('complaint', 'c1', 'receive', complaintBody);
  await world.act('complaint', 'c2', 'receive', complaintBody);
  await liveBatch();
  t.equal(counter.reads, 0, 'cases opening in a read model that began empty have no row to read');
  await world.act('complaint', 'c1', 'acknowledge');
  await liveBatch();
  t.equal(counter.reads, 1, 'a case just opened is not kept: its next event restores it from its row');
  await world.act('complaint', 'c1', 'escalate', { reason: '多次投诉' });
  await liveBatch();
  await world.act('complaint', 'c1', 'escalate', { reason: '再次投诉' });
  await liveBatch();
  t.equal(counter.reads, 1, 'worked on, it is kept between batches');
  await world.act('complaint', 'c2', 'acknowledge');
  await liveBatch();
  t.equal(counter.reads, 2, 'the other new case was not kept either');
  t.match(db.prepare('SELECT case_id, revision FROM cases ORDER BY case_id').all(), [
    { case_id: 'c1', revision: 3 },
    { case_id: 'c2', revision: 1 },
  ]);
});

t.test('catching up, a case written still open is kept: its next events are near', async (t) => {
  const { world, db, counter, batch } = await projectionOf(t, { holdBatches: 0 });
  await world.act('complaint', 'c1', 'receive', complaintBody);
  await batch({ catchingUp: true });
  await world.act('complaint', 'c1', 'acknowledge');
  await batch({ catchingUp: false });
  t.equal(counter.reads, 0);
  t.match(db.prepare('SELECT revision FROM cases').all(), [{ revision: 1 }]);
});
