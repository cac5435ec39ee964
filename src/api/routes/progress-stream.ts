/**
 * A long job answered as it goes, for a client that asks for it (Accept: text/event-stream): once
 * the job tells its first progress, a 200 whose Server-Sent Events are `progress` ({ records, of }),
 * a few times a second, then `report` (the job's answer) or `problem` (what stopped it, with its
 * status, as it would have been answered). Until that first progress — an import's file read and
 * checked, a thread free for it — a refusal is answered as any other, with its own status. The
 * events keep a proxy from taking a long import for an idle connection.
 */
import { PassThrough } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { JobProgress } from '../heavy/notice.js';
import { problemFor } from '../problem.js';

/** Between two events at most, a comment: as the dashboard's stream keeps its connection. */
const KEEP_ALIVE_MS = 15_000;

/** Whether the client asked to be told the job's progress. */
export const wantsProgress = (request: FastifyRequest): boolean => request.headers.accept?.includes('text/event-stream') === true;

export const answerWithProgress = (
  request: FastifyRequest,
  reply: FastifyReply,
  start: (onProgress: (progress: JobProgress) => void) => Promise<unknown>,
): Promise<unknown> =>
  new Promise((resolve, reject) => {
    let stream: PassThrough | undefined;
    let keepAlive: NodeJS.Timeout | undefined;
    // A client that went away ends the stream; the job goes on (its records are written whole) and tells no one.
    const write = (text: string) => {
      if (stream && !stream.destroyed && !stream.writableEnded) stream.write(text);
    };
    const send = (event: string, data: unknown) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const open = () => {
      if (stream) return;
      stream = new PassThrough();
      stream.on('error', () => undefined);
      stream.on('close', () => clearInterval(keepAlive));
      keepAlive = setInterval(() => write(': keep-alive\n\n'), KEEP_ALIVE_MS);
      resolve(reply.type('text/event-stream; charset=utf-8').header('cache-control', 'no-store').header('x-accel-buffering', 'no').send(stream));
    };
    const close = (event: string, data: unknown) => {
      clearInterval(keepAlive);
      send(event, data);
      if (stream && !stream.destroyed) stream.end();
    };
    start((progress) => {
      open();
      send('progress', progress);
    }).then(
      (answer) => (stream ? close('report', answer) : resolve(answer)),
      (error: unknown) => (stream ? close('problem', problemFor(error as FastifyError, request)) : reject(error)),
    );
  });
