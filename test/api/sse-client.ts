import { get, type IncomingMessage } from 'node:http';
import type { DashboardHarness } from './dashboard-harness.js';
import type { Caller } from './harness.js';

export interface Message {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** Reads Server-Sent Events from a fetch response, one message (or comment) at a time, with a bounded wait. */
export const sseReader = (body: IncomingMessage) => {
  const reader = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const decoder = new TextDecoder();
  let buffer = '';
  const parse = (block: string): Message =>
    Object.fromEntries(
      block
        .split('\n')
        .map((line) =>
          line.startsWith(':') ? ['comment', line.slice(1).trim()] : [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart()],
        ),
    );
  const next = async (timeoutMs = 3_000): Promise<Message | 'end'> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        return parse(block);
      }
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        reader.next(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no message within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
      if (chunk.done) return 'end';
      buffer += decoder.decode(chunk.value, { stream: true });
    }
  };
  /** The next dashboard, skipping keep-alive comments. */
  const dashboard = async () => {
    for (;;) {
      const message = await next();
      if (message === 'end') throw new Error('the stream ended');
      if (message.event === 'dashboard') return { id: Number(message.id), body: JSON.parse(message.data!) };
      if (message.comment === undefined) throw new Error(`unexpected message ${JSON.stringify(message)}`);
    }
  };
  return { next, dashboard };
};

/**
 * Opens the stream with node:http (fetch would do as well, but undici opens a spare connection
 * when a streaming request is aborted, which keeps server.close() waiting for its timeout).
 */
export const connect = (h: DashboardHarness, base: string, as: Exclude<Caller, 'none'> = 'manager', query = 'propertyId=demo') =>
  new Promise<{ response: IncomingMessage; events: ReturnType<typeof sseReader>; disconnect: () => void }>((resolve, reject) => {
    const request = get(`${base}/v1/dashboard/stream?${query}`, { headers: { authorization: `Bearer ${h.tokens.secrets[as]}` } }, (response) =>
      resolve({ response, events: sseReader(response), disconnect: () => request.destroy() }),
    );
    request.on('error', reject);
  });

/** Bounded wait for a condition that becomes true as the server reacts (a socket closing). */
export const eventually = async (condition: () => boolean, timeoutMs = 2_000) => {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};
