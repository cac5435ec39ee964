/**
 * The conformance suite against a real EventStoreDB / KurrentDB, when one is configured:
 *
 *   EVENTSTORE_CONNECTION_STRING=esdb://localhost:2113?tls=false npx tap test/store/esdb-real.test.ts
 *
 * This is what proves what the stand-in cannot (see esdb-test-server.ts). Without the variable
 * the file skips, saying why. Tests use fresh stream prefixes, so a shared server is fine.
 */
import t from 'tap';
import { createEsdbEventStore } from '../../src/store/esdb.js';
import { runConformance } from './conformance.js';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (!connectionString) {
  t.plan(0, 'EVENTSTORE_CONNECTION_STRING is not set: no real EventStoreDB to run the conformance suite against');
} else {
  runConformance('esdb (real server)', async () => {
    const store = createEsdbEventStore({ connectionString });
    return { store, cleanup: () => store.close() };
  });
}
