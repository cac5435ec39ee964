import { errorCodes } from 'fastify';

/** A request body not yet read, and the most bytes it may have (the route's body limit). */
export interface BodyInput {
  readonly body: AsyncIterable<Uint8Array>;
  readonly limit: number;
}

/** The body's chunks as they come, refused as fastify refuses a body over its limit (413 BODY_TOO_LARGE) once they pass it. */
export async function* limitedChunks(input: BodyInput): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of input.body) {
    size += chunk.byteLength;
    if (size > input.limit) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
    yield chunk;
  }
}

/** The whole body, within its limit. */
export const readBody = async (input: BodyInput): Promise<Buffer> => {
  const chunks: Uint8Array[] = [];
  for await (const chunk of limitedChunks(input)) chunks.push(chunk);
  return Buffer.concat(chunks);
};
