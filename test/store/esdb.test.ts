/**
 * The EventStoreDB adapter against the protocol-level stand-in (CI has no real server; see
 * esdb-real.test.ts for that): the shared conformance suite, then what only this adapter has to
 * survive — connection drops, transient failures, every client error's translation.
 */
import t, { type Test } from 'tap';
import { isStoreUnavailable } from '../../src/store/errors.js';
import { createEsdbEventStore } from '../../src/store/esdb.js';
import { ANY, NO_STREAM, type EventToAppend } from '../../src/store/port.js';
import { runConformance } from './conformance.js';
import { anEvent, countEvents, deliveredEvents, events, hasCaughtUp, pullUntil } from './conformance/fixtures.js';
import { append, type ProposedEvent } from './esdb-test-server-log.js';
import { startStandIn, type StandInServer } from './esdb-test-server.js';

/** Short delays: the stand-in restarts in milliseconds. */
export const FAST_RETRY = { attempts: 3, initialDelayMs: 20, maxDelayMs: 200 } as const;

const server: StandInServer = await startStandIn();
t.teardown(() => server.stop());

runConformance('esdb (stand-in)', async () => {
  const store = createEsdbEventStore({ connectionString: server.connectionString, retry: FAST_RETRY });
  return { store, cleanup: () => store.close() };
});

/** A server of its own, so stopping it never disturbs the conformance run above. */
const ownServer = async (t: Test, options: Parameters<typeof startStandIn>[0] = {}) => {
  const own = await startStandIn(options);
  const store = createEsdbEventStore({ connectionString: own.connectionString, retry: FAST_RETRY, resubscribe: FAST_RETRY });
  t.teardown(async () => {
    await store.close();
    await own.stop();
  });
  return { own, store };
};

const utf8 = new TextEncoder();
const proposed = (event: EventToAppend): ProposedEvent => ({
  id: event.id,
  type: event.type,
  contentType: 'application/json',
  data: utf8.encode(JSON.stringify(event.data)),
  metadata: utf8.encode(JSON.stringify(event.metadata)),
});

const ids = (list: readonly { id: string }[]) => list.map((event) => event.id);

t.test('a subscription survives a server drop and restart: every event exactly once', async (t) => {
  const { own, store } = await ownServer(t);
  const before = events(3);
  await store.appendToStream('complaint-1', before, { expectedRevision: NO_STREAM });
  const subscription = store.subscribeToAll();
  const messages = subscription[Symbol.asyncIterator]();
  t.same(ids(deliveredEvents(await pullUntil(messages, hasCaughtUp))), ids(before), 'history, then caughtUp');

  await own.stop();
  // Written meanwhile by another node of the cluster: the restarted node has them.
  const during = events(2);
  append(own.data, 'complaint-2', 'no_stream', during.map(proposed));
  const back = await startStandIn({ port: own.port, data: own.data });
  t.teardown(() => back.stop());

  const after = events(2);
  await store.appendToStream('complaint-1', after, { expectedRevision: 2n });
  const resumed = await pullUntil(messages, countEvents(4));
  t.same(ids(deliveredEvents(resumed)), ids([...during, ...after]), 'no gap, no duplicate, in log order');
  t.notOk(
    resumed.some((message) => message.kind === 'caughtUp'),
    'caughtUp is said once',
  );
  await subscription.unsubscribe();
});

t.test('with the server down, calls fail as StoreUnavailableError after bounded retries', async (t) => {
  const { own, store } = await ownServer(t);
  await store.appendToStream('complaint-1', events(1), { expectedRevision: NO_STREAM });
  await own.stop();
  const append = await store.appendToStream('complaint-1', events(1), { expectedRevision: 0n }).catch((e: unknown) => e);
  t.ok(isStoreUnavailable(append), 'append');
  t.ok((append as Error).cause, 'the client error is kept as cause');
  t.ok(isStoreUnavailable(await store.readStream('complaint-1').catch((e: unknown) => e)), 'stream read');
  t.ok(isStoreUnavailable(await store.readAll().catch((e: unknown) => e)), '$all read');
});

t.test('transient failures are retried; a lost acknowledgement is answered idempotently', async (t) => {
  const { own, store } = await ownServer(t);
  const stream = 'repair-1';
  for (const fault of ['unavailable', 'not-leader', 'deadline'] as const) {
    own.injectFault('append', fault, 2);
    await store.appendToStream(stream, events(1), { expectedRevision: ANY });
    t.pass(`append retried through ${fault}`);
  }
  own.injectFault('append', 'lost-ack');
  const written = events(2);
  const result = await store.appendToStream(stream, written, { expectedRevision: 2n });
  t.equal(result.nextRevision, 4n, 'the original revision');
  t.same(ids(await store.readStream(stream, { from: 3n })), ids(written), 'written once');

  own.injectFault('append', 'unavailable', FAST_RETRY.attempts);
  t.ok(isStoreUnavailable(await store.appendToStream(stream, events(1), { expectedRevision: 4n }).catch((e: unknown) => e)), 'bounded');
  own.injectFault('read', 'unavailable', 2);
  t.equal((await store.readStream(stream)).length, 5, 'reads are retried too');
});

t.test('the unary Append path (servers without BatchAppend) maps its answers the same way', async (t) => {
  const { store } = await ownServer(t, { batchAppend: false, maxAppendSize: 1_000 });
  await store.appendToStream('complaint-1', events(1), { expectedRevision: NO_STREAM });
  await t.rejects(store.appendToStream('complaint-1', events(1), { expectedRevision: NO_STREAM }), { code: 'REVISION_CONFLICT', actual: 0n });
  const big = anEvent('ComplaintReceived', { text: 'x'.repeat(2_000) });
  await t.rejects(store.appendToStream('complaint-1', [big], { expectedRevision: 0n }), { code: 'EVENT_TOO_LARGE', limit: 1_000 });
});

t.test('a server that never signals caughtUp (before 23.10): history then live, no caughtUp', async (t) => {
  const { store } = await ownServer(t, { signalCaughtUp: false });
  const history = events(2);
  await store.appendToStream('complaint-1', history, { expectedRevision: NO_STREAM });
  const subscription = store.subscribeToAll();
  const messages = subscription[Symbol.asyncIterator]();
  const first = await pullUntil(messages, countEvents(2));
  const live = events(1);
  await store.appendToStream('complaint-1', live, { expectedRevision: 1n });
  const next = await pullUntil(messages, countEvents(1));
  t.same(ids(deliveredEvents([...first, ...next])), ids([...history, ...live]));
  t.notOk([...first, ...next].some((message) => message.kind === 'caughtUp'));
  await subscription.unsubscribe();
});

t.test('close() ends open subscriptions', async (t) => {
  const { store } = await ownServer(t);
  const subscription = store.subscribeToAll();
  const messages = subscription[Symbol.asyncIterator]();
  await pullUntil(messages, hasCaughtUp);
  const waiting = messages.next();
  await store.close();
  t.same(await waiting, { done: true, value: undefined });
  t.throws(() => store.subscribeToAll(), { code: 'STORE_UNAVAILABLE' });
});

t.test("lastRecordedAt looks past the server's own events: an idle server writes its statistics to $all", async (t) => {
  const { own, store } = await ownServer(t);
  await store.appendToStream('complaint-1', [anEvent('ComplaintReceived', {}, { recordedAt: '2026-03-02T02:00:00.000Z' })], { expectedRevision: NO_STREAM });
  const stats = Array.from({ length: 2_500 }, () => proposed(anEvent('$statsCollected', {}, {})));
  append(own.data, '$stats-127.0.0.1:2113', 'no_stream', stats);
  t.equal(await store.lastRecordedAt!(), '2026-03-02T02:00:00.000Z', 'found behind 2,500 system events');
});
