import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';

// The page's own module (a plain ES module): node has fetch; the token store is the browser's, absent here (no token).
const { getJson, ApiError } = await import(new URL('../../web/api.js', import.meta.url).href);

/** A server whose answers the test writes by hand: headers first, the body when it says. */
const serve = async (t: Test, answer: (response: ServerResponse) => void) => {
  const server = createServer((_request, response) => answer(response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

t.test('a lookup aborted while its answer arrives stays an abort: never a null answer its caller would read', async (t) => {
  let sent!: () => void;
  const headersSent = new Promise<void>((resolve) => (sent = resolve));
  const base = await serve(t, (response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"items":[');
    sent();
  });
  const abort = new AbortController();
  const answer = getJson(`${base}/v1/cases`, { signal: abort.signal });
  await headersSent;
  // Headers in, the body still arriving: the next keystroke's lookup aborts this one.
  await new Promise((resolve) => setTimeout(resolve, 20));
  abort.abort();
  await t.rejects(answer, { name: 'AbortError' });
});

t.test('a 200 whose body is not JSON is a refusal, not a null answer', async (t) => {
  const base = await serve(t, (response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<html>a proxy page</html>');
  });
  const error = await getJson(`${base}/v1/cases`).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(error instanceof ApiError, 'an ApiError');
  t.match((error as Error).message, /the answer could not be read/);
});
