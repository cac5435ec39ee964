/**
 * A STAND-IN for a real EventStoreDB server, for CI, where no server can run. It speaks the
 * server's gRPC protocol (ServerFeatures.GetSupportedMethods, Streams.Append, BatchAppend and
 * Read), built on the client package's own generated service definitions and message classes,
 * so the real `@eventstore/db-client` runs against it unmodified: connection, capability
 * discovery, the BatchAppend and Append paths, error decoding, reads, subscriptions.
 *
 * It follows EventStoreDB's documented rules (optimistic concurrency per stream, idempotent
 * re-appends, maximum append size, inclusive read and exclusive subscription starts, filters,
 * checkpoints, caughtUp) but it CANNOT PROVE: durability (the log is an in-memory object),
 * cluster behaviour (gossip, leader election, failover, replication), ACLs and authentication,
 * the server's .NET regex dialect in filters, its exact positions, or its performance. The same
 * conformance suite must therefore also pass against a real server (test/store/esdb-real.test.ts).
 *
 * Stop and restart on the same port with the same `data` to simulate a node going down.
 */
import grpc from '@grpc/grpc-js';
import serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import serverFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import {
  append,
  createStandInData,
  DEFAULT_MAX_APPEND_SIZE,
  type AppendOutcome,
  type Expected,
  type ProposedEvent,
  type StandInData,
} from './esdb-test-server-log.js';
import { appendResponse, batchAppendResponse, exceptionStatus, expectedOf, streamNameOf, type streamsPb, toProposed } from './esdb-test-server-messages.js';
import { createAppendSignal, handleRead } from './esdb-test-server-read.js';

export { createStandInData, type StandInData } from './esdb-test-server-log.js';

/**
 * A failure injected into the next calls. `unavailable`, `not-leader` and `deadline` refuse the
 * call; `lost-ack` performs an append and then fails as `unavailable` (the answer is lost).
 */
export type Fault = 'unavailable' | 'not-leader' | 'deadline' | 'lost-ack';

export interface StandInOptions {
  /** 0 (default) picks a free port; pass the previous port to restart in place. */
  readonly port?: number;
  /** The log; pass the previous server's `data` to restart with its events. */
  readonly data?: StandInData;
  readonly maxAppendSize?: number;
  /** Advertise BatchAppend (real servers since 21.10 do); without it the client uses Append. */
  readonly batchAppend?: boolean;
  /** Send caughtUp, as servers since 23.10 do. */
  readonly signalCaughtUp?: boolean;
}

export interface StandInServer {
  readonly port: number;
  readonly data: StandInData;
  readonly connectionString: string;
  /** Makes the next `count` appends (or reads) fail with `fault`. */
  injectFault(method: 'append' | 'read', fault: Fault, count?: number): void;
  /** Drops every connection at once, like a crashed node. */
  stop(): Promise<void>;
}

const faultStatus = (fault: Fault, port: number) => {
  switch (fault) {
    case 'not-leader':
      return exceptionStatus(grpc.status.NOT_FOUND, 'not-leader', 'Leader info available', {
        'leader-endpoint-host': '127.0.0.1',
        'leader-endpoint-port': String(port),
      });
    case 'deadline':
      return { code: grpc.status.DEADLINE_EXCEEDED, details: 'Deadline exceeded' };
    default:
      return { code: grpc.status.UNAVAILABLE, details: 'Server is not ready' };
  }
};

const supportedMethods = (batchAppend: boolean) => {
  const streams = 'event_store.client.streams.streams';
  const names = ['read', 'append', ...(batchAppend ? ['batchappend'] : [])];
  const methods = names.map((name) => new serverFeaturesPb.SupportedMethod().setServiceName(streams).setMethodName(name));
  return new serverFeaturesPb.SupportedMethods().setEventStoreServerVersion('23.10.0').setMethodsList(methods);
};

export const startStandIn = async (options: StandInOptions = {}): Promise<StandInServer> => {
  const data = options.data ?? createStandInData();
  const maxAppendSize = options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE;
  const appended = createAppendSignal();
  const faults: Record<'append' | 'read', Fault[]> = { append: [], read: [] };
  const server = new grpc.Server();

  let port = options.port ?? 0;
  const takeFault = (method: 'append' | 'read') => faults[method].shift();

  /** Applies an append with its injected fault; a returned status means the call fails. */
  const appendWithFaults = (stream: string, expected: Expected, events: ProposedEvent[]) => {
    const fault = takeFault('append');
    if (fault && fault !== 'lost-ack') return { status: faultStatus(fault, port) };
    const outcome: AppendOutcome = append(data, stream, expected, events, maxAppendSize);
    if (outcome.kind === 'success') appended.notify();
    return fault ? { status: faultStatus('unavailable', port) } : { outcome };
  };

  server.addService(serverFeaturesGrpc.ServerFeaturesService, {
    getSupportedMethods: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback(null, supportedMethods(options.batchAppend ?? true)),
  });
  server.addService(streamsGrpc.StreamsService, {
    read: (call: Parameters<typeof handleRead>[0]) => {
      const fault = takeFault('read');
      if (fault) return void call.emit('error', faultStatus(fault, port));
      handleRead(call, { data, appended, signalCaughtUp: options.signalCaughtUp ?? true }).catch((error: unknown) => call.destroy(error as Error));
    },

    append: (call: grpc.ServerReadableStream<InstanceType<typeof streamsPb.AppendReq>, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      let header: InstanceType<typeof streamsPb.AppendReq.Options> | undefined;
      const events: ProposedEvent[] = [];
      call.on('data', (request: InstanceType<typeof streamsPb.AppendReq>) => {
        header ??= request.getOptions();
        const message = request.getProposedMessage();
        if (message) events.push(toProposed(message));
      });
      call.on('end', () => {
        if (!header) return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'no append options' });
        const stream = streamNameOf(header.getStreamIdentifier());
        const expected = expectedOf(header, header.hasRevision() ? header.getRevision() : undefined);
        const { status, outcome } = appendWithFaults(stream, expected, events);
        if (status) return callback(status);
        if (outcome!.kind !== 'too-large') return callback(null, appendResponse(outcome!, expected));
        const size = { 'maximum-append-size': String(maxAppendSize) };
        callback(exceptionStatus(grpc.status.INVALID_ARGUMENT, 'maximum-append-size-exceeded', 'Maximum Append Size Exceeded', size));
      });
    },

    /** One long-lived call; each append is a correlation id, its messages possibly split over requests. */
    batchAppend: (call: grpc.ServerDuplexStream<InstanceType<typeof streamsPb.BatchAppendReq>, unknown>) => {
      const pending = new Map<string, { stream: string; expected: Expected; events: ProposedEvent[] }>();
      call.on('data', (request: InstanceType<typeof streamsPb.BatchAppendReq>) => {
        const correlation = request.getCorrelationId();
        const key = correlation?.getString() ?? '';
        const header = request.getOptions();
        const batch = pending.get(key) ?? {
          stream: streamNameOf(header?.getStreamIdentifier()),
          expected: header ? expectedOf(header, header.hasStreamPosition() ? header.getStreamPosition() : undefined) : 'any',
          events: [],
        };
        pending.set(key, batch);
        batch.events.push(...request.getProposedMessagesList().map(toProposed));
        if (!request.getIsFinal()) return;
        pending.delete(key);
        const { status, outcome } = appendWithFaults(batch.stream, batch.expected, batch.events);
        if (status) return void call.emit('error', status);
        call.write(batchAppendResponse(correlation, batch.stream, batch.expected, outcome!));
      });
      call.on('end', () => call.end());
    },
  });

  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );

  return {
    port,
    data,
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    injectFault: (method, fault, count = 1) => faults[method].push(...Array.from({ length: count }, () => fault)),
    stop: async () => {
      server.forceShutdown();
      appended.notify();
    },
  };
};
