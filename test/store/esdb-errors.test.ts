/** Every `@eventstore/db-client` failure the adapter can meet, translated to the port's errors. */
import t from 'tap';
import grpc from '@grpc/grpc-js';
import {
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NotLeaderError,
  StreamDeletedError,
  StreamNotFoundError as ClientStreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { EventTooLargeError, RevisionConflictError, StoreUnavailableError, StreamNotFoundError } from '../../src/store/errors.js';
import { backoffDelay, toStoreError, withRetry } from '../../src/store/esdb-errors.js';

const notLeader = (): NotLeaderError => {
  const metadata = new grpc.Metadata();
  metadata.set('exception', 'not-leader');
  metadata.set('leader-endpoint-host', '10.0.0.2');
  metadata.set('leader-endpoint-port', '2113');
  return new NotLeaderError({ code: grpc.status.NOT_FOUND, details: 'not leader', metadata, name: 'Error', message: 'not leader' });
};

t.test('a wrong expected version becomes a revision conflict with the current revision', async (t) => {
  const original = new WrongExpectedVersionError(undefined, { streamName: 'complaint-1', current: 3n, expected: 2n });
  const mapped = toStoreError(original, { stream: 'complaint-1', expected: 2n });
  t.ok(mapped instanceof RevisionConflictError);
  t.match(mapped, { code: 'REVISION_CONFLICT', stream: 'complaint-1', expected: 2n, actual: 3n, cause: original });

  const missing = new WrongExpectedVersionError(undefined, { streamName: 'complaint-2', current: 'no_stream', expected: 'stream_exists' });
  t.match(toStoreError(missing, { stream: 'complaint-2', expected: 'stream_exists' }), { expected: 'stream_exists', actual: undefined });
  t.match(toStoreError(missing), { expected: 'stream_exists' }, 'without context, the client’s expectation is used');
});

t.test('a missing or deleted stream becomes StreamNotFoundError', async (t) => {
  const missing = new ClientStreamNotFoundError(undefined, 'repair-9');
  t.match(toStoreError(missing, { stream: 'repair-9' }), { code: 'STREAM_NOT_FOUND', stream: 'repair-9', cause: missing });
  t.ok(toStoreError(StreamDeletedError.fromStreamName('repair-8')) instanceof StreamNotFoundError);
});

t.test('an append over the server limit becomes EventTooLargeError', async (t) => {
  const original = MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576);
  const mapped = toStoreError(original, { stream: 'complaint-1', appendSize: 2_000_000 });
  t.ok(mapped instanceof EventTooLargeError);
  t.match(mapped, { stream: 'complaint-1', size: 2_000_000, limit: 1_048_576, cause: original });
});

t.test('transient failures become StoreUnavailableError, raw gRPC codes included', async (t) => {
  const transient: [string, unknown][] = [
    ['UnavailableError', new UnavailableError()],
    ['NotLeaderError', notLeader()],
    ['DeadlineExceededError', new DeadlineExceededError()],
    ['TimeoutError', new TimeoutError()],
    ['CancelledError (by the server)', new CancelledError()],
    ['raw { code: 14 }', Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 })],
    ['raw { code: 4 }', { code: 4, details: 'Deadline exceeded' }],
  ];
  for (const [name, error] of transient) {
    const mapped = toStoreError(error);
    t.ok(mapped instanceof StoreUnavailableError, name);
    t.equal((mapped as StoreUnavailableError).cause, error, `${name} kept as cause`);
  }
});

t.test('anything else passes through unchanged', async (t) => {
  const unknown = new UnknownError();
  t.equal(toStoreError(unknown), unknown);
  const bug = new TypeError('bug');
  t.equal(toStoreError(bug), bug);
  const conflict = new RevisionConflictError('s', 1n, 2n);
  t.equal(toStoreError(conflict), conflict, 'already mapped');
});

t.test('withRetry retries transient failures only, a bounded number of times', async (t) => {
  const policy = { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 };
  let calls = 0;
  const flaky = () => (++calls < 3 ? Promise.reject(new UnavailableError()) : Promise.resolve('ok'));
  t.equal(await withRetry(policy, {}, flaky), 'ok');
  t.equal(calls, 3);

  calls = 0;
  const down = () => {
    calls += 1;
    return Promise.reject(new UnavailableError());
  };
  await t.rejects(withRetry(policy, {}, down), StoreUnavailableError);
  t.equal(calls, 3, 'gives up after the last attempt');

  calls = 0;
  const conflict = () => {
    calls += 1;
    return Promise.reject(new WrongExpectedVersionError(undefined, { streamName: 's', current: 1n, expected: 0n }));
  };
  await t.rejects(withRetry(policy, { stream: 's', expected: 0n }, conflict), RevisionConflictError);
  t.equal(calls, 1, 'a conflict is not retried');

  calls = 0;
  await t.rejects(
    withRetry(policy, {}, down, () => false),
    StoreUnavailableError,
  );
  t.equal(calls, 1, 'no retry once the store is closing');
});

t.test('backoff doubles up to its cap', async (t) => {
  const policy = { initialDelayMs: 100, maxDelayMs: 1_000 };
  t.same(
    [0, 1, 2, 3, 4].map((retry) => backoffDelay(policy, retry)),
    [100, 200, 400, 800, 1_000],
  );
});
