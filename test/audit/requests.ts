import type { Caller, Harness } from '../api/harness.js';

/** Records something over the API, failing loudly on a refusal; the id it was recorded under. */
export const record = async (h: Harness, path: string, body: unknown, as: Caller = 'admin'): Promise<string> => {
  const response = await h.inject('POST', path, { as, body });
  if (response.statusCode >= 300) throw new Error(`${path}: ${response.statusCode} ${response.body}`);
  return response.json<{ id: string }>().id;
};
