import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isEngineError } from '../errors.js';

/** HTTP status of each engine error code: the one place codes meet HTTP. */
const statusOf: Record<string, number> = {
  UNAUTHENTICATED: 401,
  RATE_LIMITED: 429,
  NOT_ASSIGNED: 403,
  TOO_MANY_STREAMS: 429,
  FORBIDDEN: 403,
  CASE_NOT_FOUND: 404,
  PERSON_NOT_FOUND: 404,
  PERSON_ALREADY_EXISTS: 409,
  PERSON_INACTIVE: 409,
  TOKEN_NOT_FOUND: 404,
  FEE_NOT_BILLED: 404,
  INVALID_COMMAND: 400,
  OCCURRED_AT_REFUSED: 422,
  TRANSITION_NOT_ALLOWED: 409,
  CASE_ALREADY_EXISTS: 409,
  REVISION_CONFLICT: 409,
  REVISION_MISMATCH: 412,
  COMMAND_ID_REUSED: 422,
  CLOCK_MOVED_BACKWARDS: 409,
  RULESET_INVALID: 422,
  PERIOD_INVALID: 400,
  NO_AGREEMENT_IN_FORCE: 422,
  PERIOD_SPANS_AGREEMENTS: 422,
  EVENT_TOO_LARGE: 413,
  STORE_UNAVAILABLE: 503,
  READ_MODELS_UNAVAILABLE: 503,
  READ_MODELS_FAILING: 503,
  READ_MODELS_BEHIND: 503,
  NUMBER_AMBIGUOUS: 409,
  UNSUPPORTED_ENCODING: 415,
  NO_PERSONAL_DATA_KEYS: 503,
  PERSONAL_DATA_KEY: 500,
  HEAVY_WORK_BUSY: 503,
  HEAVY_WORK_OUT_OF_MEMORY: 507,
  SHUTTING_DOWN: 503,
  IMPORT_STOPPED: 500,
};

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
}

export const problem = (status: number, code: string, detail: string, extensions: Record<string, unknown> = {}): Problem => ({
  type: `https://wuye-kefu.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`,
  title: titles[status] ?? 'Error',
  status,
  code,
  detail,
  ...extensions,
});

/** What a 503 asks a client to wait before trying again, unless its problem says (`retryAfterSeconds`). */
export const RETRY_AFTER_SECONDS = 5;

export const sendProblem = (reply: FastifyReply, p: Problem) => {
  // RFC 6750: a 401 names the scheme the client should use.
  if (p.status === 401) reply.header('www-authenticate', 'Bearer realm="wuye"');
  // A 503 is a state the server expects to leave (RFC 9110 §15.6.4): it says when to ask again.
  if (p.status === 503 && !reply.hasHeader('retry-after')) {
    const seconds = typeof p.retryAfterSeconds === 'number' && p.retryAfterSeconds > 0 ? Math.ceil(p.retryAfterSeconds) : RETRY_AFTER_SECONDS;
    reply.header('retry-after', String(seconds));
  }
  return reply.status(p.status).type('application/problem+json').send(p);
};

/** Fastify's own errors (body parsing, validation) as problems with stable codes. */
const fromFastify = (error: FastifyError): Problem | undefined => {
  if (error.validation) {
    const where = error.validationContext ?? 'body';
    // `issue` is the schema's code for what was wrong (zod's: too_small, invalid_format …), so that a
    // client can say it in its own language; `message` stays the English sentence.
    const errors = error.validation.map((v) => ({
      field: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'is invalid',
      ...(typeof v.keyword === 'string' ? { issue: v.keyword } : {}),
    }));
    return problem(400, 'VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(413, 'BODY_TOO_LARGE', error.message);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(400, 'EMPTY_BODY', 'the body is empty; send {} for an action without fields');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problem(400, 'MALFORMED_JSON', error.message);
  }
  if (error.statusCode === 400 && error instanceof SyntaxError) return problem(400, 'MALFORMED_JSON', `the body is not valid JSON: ${error.message}`);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return problem(error.statusCode, error.code ?? 'BAD_REQUEST', error.message);
  }
  return undefined;
};

/** The problem an error answers a request with; a fault of the server's is logged, with its stack. */
export const problemFor = (error: FastifyError, request: FastifyRequest): Problem => {
  if (isEngineError(error)) {
    const status = statusOf[error.code] ?? 500;
    // A fault of the server's, told to the client by its code: its stack is for the log.
    if (status === 500) request.log.error({ err: error }, `${error.code}: ${error.message}`);
    return problem(status, error.code, error.message, { ...error.details, instance: request.url });
  }
  const known = fromFastify(error);
  if (known) return { ...known, instance: request.url };
  request.log.error({ err: error }, 'unexpected error');
  return problem(500, 'INTERNAL', 'an unexpected error occurred; it has been logged', { instance: request.url });
};

export const errorHandler = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => sendProblem(reply, problemFor(error, request));
