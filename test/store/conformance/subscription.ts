import t from 'tap';
import { NO_STREAM, type EventStore, type SubscriptionFilter } from '../../../src/store/port.js';
import { countEvents, deliveredEvents, events, freshPrefix, hasCaughtUp, openStore, pullUntil, type MakeStore } from './fixtures.js';

const ids = (list: readonly { id: string }[]) => list.map((event) => event.id);

/** Subscribes narrowed to one test's streams; `filter` narrows further. */
const subscribeOwn = (store: EventStore, prefix: string, from?: Parameters<EventStore['subscribeToAll']>[0], filter?: SubscriptionFilter) => {
  const subscription = store.subscribeToAll({
    ...from,
    filter: { ...filter, streamPrefixes: filter?.streamPrefixes ?? [prefix] },
  });
  return { subscription, messages: subscription[Symbol.asyncIterator]() };
};

export const subscriptionContract = (name: string, makeStore: MakeStore): void => {
  t.test(`${name}: subscription catches up, says so, then delivers live events`, async (t) => {
    const store = await openStore(t, makeStore);
    const prefix = freshPrefix();
    const history = events(3);
    await store.appendToStream(`${prefix}a`, history, { expectedRevision: NO_STREAM });
    const { subscription, messages } = subscribeOwn(store, prefix);

    const catchUp = await pullUntil(messages, hasCaughtUp);
    t.same(ids(deliveredEvents(catchUp)), ids(history), 'history first, in order');
    t.equal(catchUp.at(-1)?.kind, 'caughtUp', 'then caughtUp');

    const live = events(2);
    await store.appendToStream(`${prefix}a`, live.slice(0, 1), { expectedRevision: 2n });
    await store.appendToStream(`${prefix}b`, live.slice(1), { expectedRevision: NO_STREAM });
    t.same(ids(deliveredEvents(await pullUntil(messages, countEvents(2)))), ids(live), 'live events in order');

    await subscription.unsubscribe();
    t.same(await messages.next(), { done: true, value: undefined }, 'unsubscribe ends iteration');
  });

  t.test(`${name}: a subscriber that stops reading holds up no writer and misses nothing`, async (t) => {
    const store = await openStore(t, makeStore);
    const prefix = freshPrefix();
    const { subscription, messages } = subscribeOwn(store, prefix);
    await pullUntil(messages, hasCaughtUp);
    const written = events(100);
    let expectedRevision: bigint | typeof NO_STREAM = NO_STREAM;
    for (const event of written) {
      ({ nextRevision: expectedRevision } = await store.appendToStream(`${prefix}a`, [event], { expectedRevision }));
    }
    t.same(ids(deliveredEvents(await pullUntil(messages, countEvents(written.length)))), ids(written));
    await subscription.unsubscribe();
  });

  t.test(`${name}: unsubscribe ends an iteration waiting for live events`, async (t) => {
    const store = await openStore(t, makeStore);
    const { subscription, messages } = subscribeOwn(store, freshPrefix());
    await pullUntil(messages, hasCaughtUp);
    const waiting = messages.next();
    await subscription.unsubscribe();
    t.same(await waiting, { done: true, value: undefined });
  });

  t.test(`${name}: resuming from a checkpoint is exclusive, without gaps or duplicates`, async (t) => {
    const store = await openStore(t, makeStore);
    const prefix = freshPrefix();
    const all = events(10);
    await store.appendToStream(`${prefix}a`, all.slice(0, 6), { expectedRevision: NO_STREAM });

    const first = subscribeOwn(store, prefix);
    const seen = deliveredEvents(await pullUntil(first.messages, countEvents(4)));
    await first.subscription.unsubscribe();
    const checkpoint = seen[3]!.position;

    await store.appendToStream(`${prefix}a`, all.slice(6), { expectedRevision: 5n });
    const resumed = subscribeOwn(store, prefix, { from: checkpoint });
    const rest = deliveredEvents(await pullUntil(resumed.messages, hasCaughtUp));
    await resumed.subscription.unsubscribe();
    t.same(ids(rest), ids(all.slice(4)), 'exactly the events after the checkpoint');
  });

  t.test(`${name}: subscription filters by stream prefix and by event type`, async (t) => {
    const store = await openStore(t, makeStore);
    const prefix = freshPrefix();
    const complaints = events(2, 'ComplaintReceived');
    const repairs = events(2, 'RepairDispatched');
    const closings = events(1, 'ComplaintClosed');
    await store.appendToStream(`${prefix}complaint-1`, [complaints[0]!, closings[0]!], { expectedRevision: NO_STREAM });
    await store.appendToStream(`${prefix}repair-1`, repairs, { expectedRevision: NO_STREAM });
    await store.appendToStream(`${prefix}complaint-2`, [complaints[1]!], { expectedRevision: NO_STREAM });

    const byPrefix = subscribeOwn(store, prefix, {}, { streamPrefixes: [`${prefix}repair-`] });
    t.same(ids(deliveredEvents(await pullUntil(byPrefix.messages, hasCaughtUp))), ids(repairs), 'by prefix');
    await byPrefix.subscription.unsubscribe();

    const byType = subscribeOwn(store, prefix, {}, { eventTypes: ['ComplaintReceived', 'RepairDispatched'] });
    t.same(ids(deliveredEvents(await pullUntil(byType.messages, hasCaughtUp))), ids([complaints[0]!, ...repairs, complaints[1]!]), 'by type');
    const live = events(1, 'ComplaintReceived');
    await store.appendToStream(`${prefix}complaint-1`, events(1, 'ComplaintReopened'), { expectedRevision: 1n });
    await store.appendToStream(`${prefix}complaint-3`, live, { expectedRevision: NO_STREAM });
    t.same(ids(deliveredEvents(await pullUntil(byType.messages, countEvents(1)))), ids(live), 'live events filtered too');
    await byType.subscription.unsubscribe();
  });
};
