// Authenticated calls to the API. The token lives in sessionStorage and travels only in the
// Authorization header — never in a URL. A 401 anywhere signs the page out.

const TOKEN_KEY = 'dashboard.token';

export const getToken = () => {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
};
export const setToken = (token) => sessionStorage.setItem(TOKEN_KEY, token);
export const clearToken = () => sessionStorage.removeItem(TOKEN_KEY);

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

let unauthorized = () => {};
/** What to do when the server answers 401 (the page shows the sign-in again). */
export const onUnauthorized = (handler) => {
  unauthorized = handler;
};

export const queryString = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString();

const headers = (token, accept) => ({ authorization: `Bearer ${token}`, accept });

/**
 * GET a JSON resource. `token` overrides the stored one (sign-in); `quiet` keeps a 401 to the caller.
 * A body that cannot be read — the caller aborted while it arrived, or it is not JSON — is never
 * answered as null: the abort stays an abort, anything else a refusal.
 */
export const getJson = async (path, { signal, token, quiet = false } = {}) => {
  const response = await fetch(path, { headers: headers(token ?? getToken() ?? '', 'application/json'), signal, cache: 'no-store' });
  let body = null;
  let unreadable;
  try {
    body = await response.json();
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    unreadable = error;
  }
  if (response.status === 401 && !quiet) unauthorized();
  if (!response.ok) throw new ApiError(response.status, body);
  if (unreadable) throw new ApiError(response.status, { detail: `the answer could not be read: ${unreadable.message ?? unreadable}` });
  return body;
};

/** The connection failed before the server answered: the caller keeps what was typed and may retry. */
export class OfflineError extends Error {}

/** A fresh Idempotency-Key. randomUUID exists only in secure contexts; a desk on plain http inside the LAN has getRandomValues. */
export const newIdempotencyKey = () =>
  crypto.randomUUID?.() ?? Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

/** POSTs `body` typed `contentType`, asking for `accept`; a lost connection throws OfflineError (an abort the caller asked for stays one). */
const send = async (path, body, contentType, { accept = 'application/json', extra = {}, signal } = {}) => {
  try {
    return await fetch(path, {
      method: 'POST',
      headers: { ...headers(getToken() ?? '', accept), 'content-type': contentType, ...extra },
      body,
      signal,
      cache: 'no-store',
    });
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    throw new OfflineError(error?.message ?? 'network error');
  }
};

/** A POST's JSON answer; a refusal throws ApiError with the problem (a 401 signs the page out). */
const answerOf = async (response) => {
  const answer = await response.json().catch(() => null);
  if (response.status === 401) unauthorized();
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
};

/**
 * POST `body` typed `contentType`, answering the JSON body and the response; a refusal throws
 * ApiError with the problem, a lost connection OfflineError.
 */
const post = async (path, body, contentType, options) => {
  const response = await send(path, body, contentType, options);
  return { answer: await answerOf(response), response };
};

/**
 * POST a JSON body. `idempotencyKey` makes a retry of the same form harmless (the server answers the
 * first outcome again); `ifMatch` the revision the caller saw. Answers `{ body, etag }`.
 */
export const postJson = async (path, body, { idempotencyKey, ifMatch, signal } = {}) => {
  const extra = {};
  if (idempotencyKey) extra['idempotency-key'] = idempotencyKey;
  if (ifMatch !== undefined && ifMatch !== null) extra['if-match'] = String(ifMatch);
  const { answer, response } = await post(path, JSON.stringify(body ?? {}), 'application/json', { extra, signal });
  return { body: answer, etag: response.headers.get('etag') };
};

/**
 * The problem's refusals by form field (`unit`, `owner.phone`): the schema's list, or the engine's one
 * field; each `{ message, issue }`, the server's English sentence and, for a schema refusal, its code.
 */
export const fieldErrors = (problem) => {
  const found = {};
  for (const e of problem?.errors ?? []) if (e?.field) found[String(e.field).replace(/^body\./, '')] = { message: e.message, issue: e.issue };
  if (typeof problem?.field === 'string') found[problem.field] = { message: problem.detail, issue: problem.code };
  return found;
};

const STALL_MS = 45_000; // the server sends a keep-alive comment every 15 s
const MAX_BACKOFF_MS = 30_000;

/** Splits complete Server-Sent Events off the front of `buffer`; returns the events and the rest. */
const parseEvents = (buffer) => {
  const events = [];
  let rest = buffer;
  for (let end = rest.indexOf('\n\n'); end !== -1; end = rest.indexOf('\n\n')) {
    const block = rest.slice(0, end);
    rest = rest.slice(end + 2);
    let type = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) events.push({ type, data: data.join('\n') });
  }
  return { events, rest };
};

/**
 * Follows GET /v1/dashboard/stream?{query} over fetch streaming (EventSource cannot send the bearer
 * header). Reconnects by itself with exponential backoff and jitter, and aborts a connection that
 * has been silent longer than three keep-alive intervals. Returns a function that stops it.
 *
 * `onStatus` receives { state: 'connecting' | 'live' | 'disconnected', retryAt? };
 * `onDashboard` each dashboard; `onProblem` a problem the server sent instead (e.g. read models not ready).
 */
export const followDashboard = (query, { onDashboard, onProblem, onStatus }) => {
  let stopped = false;
  let attempt = 0;
  let retry;
  let connection;

  const connect = async () => {
    if (stopped) return;
    connection = new AbortController();
    const current = connection;
    let watchdog;
    const arm = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => current.abort(), STALL_MS);
    };
    onStatus({ state: 'connecting' });
    try {
      arm();
      const response = await fetch(`/v1/dashboard/stream?${query}`, {
        headers: headers(getToken() ?? '', 'text/event-stream'),
        signal: current.signal,
        cache: 'no-store',
      });
      if (response.status === 401) {
        stopped = true;
        unauthorized();
        return;
      }
      if (!response.ok) {
        onProblem((await response.json().catch(() => null)) ?? { status: response.status, detail: `HTTP ${response.status}` });
        throw new Error(`HTTP ${response.status}`);
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        arm();
        buffer += value.replace(/\r\n?/g, '\n');
        const parsed = parseEvents(buffer);
        buffer = parsed.rest;
        for (const event of parsed.events) {
          if (stopped) return;
          const data = JSON.parse(event.data);
          if (event.type === 'dashboard') {
            attempt = 0;
            onStatus({ state: 'live' });
            onDashboard(data);
          } else if (event.type === 'problem') {
            onProblem(data);
          }
        }
      }
    } catch {
      // network error, abort by the watchdog, or a refused connection: retried below
    } finally {
      clearTimeout(watchdog);
    }
    if (stopped) return;
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt) * (0.8 + Math.random() * 0.4);
    attempt += 1;
    onStatus({ state: 'disconnected', retryAt: Date.now() + delay });
    retry = setTimeout(connect, delay);
  };

  void connect();
  return () => {
    stopped = true;
    clearTimeout(retry);
    connection?.abort();
  };
};

/**
 * POST a file's bytes as they are, typed `contentType` (an import: the server decodes them in the
 * charset the type declares), to a route that answers as it goes (Server-Sent Events, asked for by
 * Accept): `onProgress` gets each `progress` event's data; answers the `report` event's data, and
 * throws ApiError with the `problem` event's problem. A refusal before the route began to answer
 * comes as a plain problem, as from any POST.
 */
export const postFileWithProgress = async (path, file, contentType, { onProgress }) => {
  const response = await send(path, file, contentType, { accept: 'text/event-stream, application/json' });
  if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) return answerOf(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    let chunk;
    try {
      chunk = await reader.read();
    } catch (error) {
      throw Object.assign(new OfflineError(error?.message ?? 'the connection was lost'), { midway: true });
    }
    // Lost after the route began: the server may have written records, or go on writing them.
    if (chunk.done) throw Object.assign(new OfflineError('the answer ended before the report'), { midway: true });
    const parsed = parseEvents(buffer + chunk.value);
    buffer = parsed.rest;
    for (const { type, data } of parsed.events) {
      const value = JSON.parse(data);
      if (type === 'progress') onProgress(value);
      else if (type === 'report') return value;
      else if (type === 'problem') throw new ApiError(value.status ?? 500, value);
    }
  }
};
