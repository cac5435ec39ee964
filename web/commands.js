// Writes to the API: an action on a record, sent with an Idempotency-Key (a retry never acts twice)
// and If-Match (the revision the page showed, so that an action on a record someone changed since
// is refused with 412 instead of applied to a state nobody saw).
import { ApiError, getToken } from './api.js';

/** A fresh key for one intended write; kept by the form while it retries the same submit. */
export const newIdempotencyKey = () => crypto.randomUUID();

/** POST a JSON body; answers the parsed body, or throws an ApiError carrying the problem. */
export const postCommand = async (path, body, { idempotencyKey, ifMatch } = {}) => {
  const response = await fetch(path, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${getToken() ?? ''}`,
      accept: 'application/json',
      'content-type': 'application/json',
      ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      ...(ifMatch !== undefined ? { 'if-match': `"${ifMatch}"` } : {}),
    },
    body: JSON.stringify(body ?? {}),
    cache: 'no-store',
  });
  const answer = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
};

/** A payload from flat form values: `owner.phone` becomes { owner: { phone } }; empty values are left out. */
export const payloadOf = (values) => {
  const payload = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === '' || value === undefined || value === null) continue;
    const path = name.split('.');
    let at = payload;
    for (const key of path.slice(0, -1)) at = at[key] ??= {};
    at[path.at(-1)] = value;
  }
  return payload;
};

/** The refusals of a problem by field name (`body.reason` → `reason`). */
export const fieldErrorsOf = (problem) => {
  const errors = {};
  for (const e of problem?.errors ?? []) errors[String(e.field).replace(/^body\./, '')] = e.message;
  if (problem?.field) errors[problem.field] = problem.detail;
  return errors;
};
