import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bidiControlMessage, findBidiControl } from '../domain/events/bidi.js';
import { problem, sendProblem } from './problem.js';

/**
 * preValidation: a JSON object body (every command, every directory change) with a bidirectional
 * control character in any text is refused before it is validated, naming the field as a
 * validation error would. An import's rows (a file, arriving as a stream whatever its format)
 * are checked row by row instead, so that one bad row does not refuse the others.
 */
export const refuseBidiControls = async (request: FastifyRequest, reply: FastifyReply) => {
  const body = request.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body) || body instanceof Readable) return;
  const found = findBidiControl(body, ['body']);
  if (!found) return;
  const message = bidiControlMessage(found);
  return sendProblem(
    reply,
    problem(400, 'VALIDATION_FAILED', `${found.field}: ${message}`, { errors: [{ field: found.field, message }], instance: request.url }),
  );
};
