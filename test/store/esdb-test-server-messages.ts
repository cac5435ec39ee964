/**
 * Protocol messages of the stand-in EventStoreDB, built with the client package's own generated
 * classes: its serializers check `instanceof`, so a look-alike class would not do. int64 fields
 * are strings, stream names bytes, `created` 100-ns ticks since the Unix epoch.
 */
import grpc from '@grpc/grpc-js';
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import statusPb from '@eventstore/db-client/generated/status_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { AppendOutcome, Expected, LogPosition, ProposedEvent, StoredEvent } from './esdb-test-server-log.js';

export { sharedPb, streamsPb };
export const { ReadReq, ReadResp, AppendResp, BatchAppendResp } = streamsPb;

const utf8 = new TextDecoder();

export const streamIdentifier = (name: string): InstanceType<typeof sharedPb.StreamIdentifier> =>
  new sharedPb.StreamIdentifier().setStreamName(new TextEncoder().encode(name));

export const streamNameOf = (identifier: InstanceType<typeof sharedPb.StreamIdentifier> | undefined): string =>
  utf8.decode(identifier?.getStreamName_asU8() ?? new Uint8Array());

/** The client sends ids as strings (it asks for the string form when reading, too). */
export const uuidOf = (uuid: InstanceType<typeof sharedPb.UUID> | undefined): string => uuid?.getString() ?? '';

interface ProposedMessage {
  getId(): InstanceType<typeof sharedPb.UUID> | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

/** Append and BatchAppend carry the same fields in two different message classes. */
export const toProposed = (message: ProposedMessage): ProposedEvent => ({
  id: uuidOf(message.getId()),
  type: message.getMetadataMap().get('type') ?? '',
  contentType: message.getMetadataMap().get('content-type') ?? 'application/octet-stream',
  data: message.getData_asU8(),
  metadata: message.getCustomMetadata_asU8(),
});

interface ExpectationCarrier {
  hasNoStream(): boolean;
  hasAny(): boolean;
  hasStreamExists(): boolean;
}

export const expectedOf = (options: ExpectationCarrier, revision: string | undefined): Expected => {
  if (options.hasNoStream()) return 'no_stream';
  if (options.hasStreamExists()) return 'stream_exists';
  if (options.hasAny() || revision === undefined) return 'any';
  return BigInt(revision);
};

/** The four messages that echo an expectation name its fields differently; the choice is the same. */
interface ExpectationSetters {
  any(): unknown;
  noStream(): unknown;
  streamExists(): unknown;
  revision(value: string): unknown;
}

const echoExpected = (expected: Expected, set: ExpectationSetters): void => {
  if (expected === 'any') set.any();
  else if (expected === 'no_stream') set.noStream();
  else if (expected === 'stream_exists') set.streamExists();
  else set.revision(expected.toString());
};

const empty = () => new sharedPb.Empty();

export const readEvent = (event: StoredEvent): InstanceType<typeof streamsPb.ReadResp> => {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(new sharedPb.UUID().setString(event.id))
    .setStreamIdentifier(streamIdentifier(event.stream))
    .setStreamRevision(event.revision.toString())
    .setCommitPosition(event.commit.toString())
    .setPreparePosition(event.prepare.toString())
    .setData(event.data)
    .setCustomMetadata(event.metadata);
  recorded.getMetadataMap().set('type', event.type).set('content-type', event.contentType).set('created', event.created);
  return new ReadResp().setEvent(new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(event.commit.toString()));
};

export const checkpoint = (position: LogPosition): InstanceType<typeof streamsPb.ReadResp> =>
  new ReadResp().setCheckpoint(new ReadResp.Checkpoint().setCommitPosition(position.commit.toString()).setPreparePosition(position.prepare.toString()));

/** Append (the unary-response variant): a conflict is a normal response, not an error. */
export const appendResponse = (outcome: Exclude<AppendOutcome, { kind: 'too-large' }>, expected: Expected) => {
  if (outcome.kind === 'success') {
    const position = new AppendResp.Position().setCommitPosition(outcome.position.commit.toString()).setPreparePosition(outcome.position.prepare.toString());
    return new AppendResp().setSuccess(new AppendResp.Success().setCurrentRevision(outcome.revision.toString()).setPosition(position));
  }
  const wrong = new AppendResp.WrongExpectedVersion();
  if (outcome.current === undefined) wrong.setCurrentNoStream(empty());
  else wrong.setCurrentRevision(outcome.current.toString());
  echoExpected(expected, {
    any: () => wrong.setExpectedAny(empty()),
    noStream: () => wrong.setExpectedNoStream(empty()),
    streamExists: () => wrong.setExpectedStreamExists(empty()),
    revision: (value) => wrong.setExpectedRevision(value),
  });
  return new AppendResp().setWrongExpectedVersion(wrong);
};

/** google.rpc.Status codes used by the server for BatchAppend failures. */
const FAILED_PRECONDITION = 9;
const INVALID_ARGUMENT = 3;

const packedStatus = (code: number, message: string, detail: { serializeBinary(): Uint8Array }, typeName: string) => {
  const details = new anyPb.Any();
  details.pack(detail.serializeBinary(), typeName);
  // The generated Status types its code as an enum of the same numbers.
  return new statusPb.Status()
    .setCode(code as statusPb.Status.AsObject['code'])
    .setMessage(message)
    .setDetails(details);
};

/** BatchAppend: failures are a google.rpc.Status with an Any-packed detail, plus the stream identifier. */
export const batchAppendResponse = (
  correlationId: InstanceType<typeof sharedPb.UUID> | undefined,
  stream: string,
  expected: Expected,
  outcome: AppendOutcome,
) => {
  const response = new BatchAppendResp().setCorrelationId(correlationId).setStreamIdentifier(streamIdentifier(stream));
  echoExpected(expected, {
    any: () => response.setAny(empty()),
    noStream: () => response.setNoStream(empty()),
    streamExists: () => response.setStreamExists(empty()),
    revision: (value) => response.setStreamPosition(value),
  });
  if (outcome.kind === 'success') {
    const position = new sharedPb.AllStreamPosition()
      .setCommitPosition(outcome.position.commit.toString())
      .setPreparePosition(outcome.position.prepare.toString());
    return response.setSuccess(new BatchAppendResp.Success().setCurrentRevision(outcome.revision.toString()).setPosition(position));
  }
  if (outcome.kind === 'too-large') {
    const detail = new sharedPb.MaximumAppendSizeExceeded().setMaxappendsize(outcome.maxAppendSize);
    return response.setError(packedStatus(INVALID_ARGUMENT, 'Maximum Append Size Exceeded', detail, 'event_store.client.MaximumAppendSizeExceeded'));
  }
  const detail = new sharedPb.WrongExpectedVersion();
  if (outcome.current === undefined) detail.setCurrentNoStream(empty());
  else detail.setCurrentStreamRevision(outcome.current.toString());
  echoExpected(expected, {
    any: () => detail.setExpectedAny(empty()),
    noStream: () => detail.setExpectedNoStream(empty()),
    streamExists: () => detail.setExpectedStreamExists(empty()),
    revision: (value) => detail.setExpectedStreamPosition(value),
  });
  return response.setError(packedStatus(FAILED_PRECONDITION, 'Wrong Expected Version', detail, 'event_store.client.WrongExpectedVersion'));
};

/** A failure outside the message body: the `exception` trailer names it, as the real server does. */
export const exceptionStatus = (code: grpc.status, exception: string, details: string, extra: Record<string, string> = {}) => {
  const metadata = new grpc.Metadata();
  metadata.set('exception', exception);
  for (const [key, value] of Object.entries(extra)) metadata.set(key, value);
  return { code, details, metadata };
};
