import { connect } from 'node:net';
import t from 'tap';
import { buildHarness } from './harness.js';

/** Sends `head`, then one byte of body every `everyMs`, and resolves with what the server answered (or '' if it closed without a word) and when. */
const slowClient = (port: number, head: string, everyMs: number) =>
  new Promise<{ answer: string; afterMs: number }>((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let drip: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      socket.write(head);
      drip = setInterval(() => socket.write('{'), everyMs);
    });
    socket.on('data', (chunk) => (answer += chunk.toString()));
    const done = () => {
      clearInterval(drip);
      resolve({ answer, afterMs: Date.now() - started });
    };
    socket.on('close', done);
    socket.on('error', () => undefined);
  });

t.test('a body sent a byte at a time is cut off when the request timeout is over', async (t) => {
  const h = await buildHarness({ timeouts: { requestMs: 1500, headersMs: 1000, idleMs: 30_000 } });
  t.teardown(h.close);
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (h.app.server.address() as { port: number }).port;
  const before = await h.eventCount();
  const head = `POST /v1/complaints HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${h.tokens.secrets.frontdesk}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`;
  const { answer, afterMs } = await slowClient(port, head, 200);
  t.match(answer, /^HTTP\/1\.1 408/, 'answered 408 Request Timeout');
  t.ok(afterMs >= 1400 && afterMs < 5000, `within the timeout and the checking interval (${afterMs} ms)`);
  t.equal(await h.eventCount(), before, 'and nothing was written');
});

t.test('headers that never end are cut off too', async (t) => {
  const h = await buildHarness({ timeouts: { requestMs: 5000, headersMs: 1000, idleMs: 30_000 } });
  t.teardown(h.close);
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (h.app.server.address() as { port: number }).port;
  const { answer, afterMs } = await slowClient(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ', 200);
  t.match(answer, /^HTTP\/1\.1 408/);
  t.ok(afterMs < 4000, `after ${afterMs} ms, well before the request timeout`);
});
