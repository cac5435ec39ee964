/**
 * Time that only moves forward, on every store adapter: after a restart whose clock reads earlier
 * than the log's last recordedAt, new events are recorded at that last recordedAt, not before it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { Temporal } from 'temporal-polyfill';
import { caseService } from '../../src/app/case-service.js';
import { manualClock } from '../../src/runtime/clock.js';
import { clockHeldToLog } from '../../src/runtime/log-clock.js';
import { openRulesetRegistry } from '../../src/ruleset/registry.js';
import { createEsdbEventStore } from '../../src/store/esdb.js';
import { createMemoryEventStore } from '../../src/store/memory.js';
import type { EventStore } from '../../src/store/port.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { startStandIn } from '../store/esdb-test-server.js';
import { complaint, desk, ruleset } from './case-service-fixture.js';

const BEFORE = Temporal.Instant.from('2026-03-02T02:00:00.123Z');
/** The clock after the restart: an hour behind. */
const SET_BACK = Temporal.Instant.from('2026-03-02T01:00:00Z');

const recordedAtOf = (event: { metadata: unknown }) => (event.metadata as { recordedAt: string }).recordedAt;

const receive = async (store: EventStore, clock: { now(): Temporal.Instant }, caseId: string) => {
  const rulesets = await openRulesetRegistry(store, ruleset);
  const result = await caseService({ store, rulesets, clock }).execute({
    caseType: 'complaint',
    command: { caseId, name: 'receive', payload: complaint, commandId: `${caseId}-receive`, actor: desk },
  });
  return recordedAtOf(result.events[0]!);
};

const stores: Record<string, (t: Test) => Promise<() => EventStore>> = {
  memory: async () => {
    const store = createMemoryEventStore();
    // The same object after the "restart": the memory store is its own log.
    return () => store;
  },
  sqlite: async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'clock-behind-'));
    const opened: EventStore[] = [];
    t.teardown(async () => {
      for (const store of opened) await store.close();
      await rm(dir, { recursive: true, force: true });
    });
    return () => {
      const store = openSqliteEventStore({ file: join(dir, 'events.db') });
      opened.push(store);
      return store;
    };
  },
  'esdb (stand-in)': async (t) => {
    const server = await startStandIn();
    const opened: EventStore[] = [];
    t.teardown(async () => {
      for (const store of opened) await store.close();
      await server.stop();
    });
    return () => {
      const store = createEsdbEventStore({ connectionString: server.connectionString, retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 200 } });
      opened.push(store);
      return store;
    };
  },
};

for (const [name, open] of Object.entries(stores)) {
  t.test(`${name}: a clock set back records at the log's last recordedAt`, async (t) => {
    const connect = await open(t);
    const first = await receive(connect(), manualClock(BEFORE), 'c-before');
    t.equal(first, BEFORE.toString());

    const store = connect();
    const last = await store.lastRecordedAt!();
    t.equal(last, first, 'the store reads the last recordedAt back');
    const held = await receive(store, clockHeldToLog(manualClock(SET_BACK), last), 'c-after');
    t.equal(held, first, 'not an hour earlier: at the last recordedAt');
    const unheld = await receive(store, manualClock(SET_BACK), 'c-unheld');
    t.equal(unheld, SET_BACK.toString(), 'a clock not held to the log would have gone back (what this guards against)');
  });
}
