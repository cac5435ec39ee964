/** The part of autocannon's programmatic API the HTTP benchmark uses (the package ships no types). */
declare module 'autocannon' {
  export interface Request {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  }
  /** A falsy answer skips the rest of the connection's cycle: it starts again at the first request. */
  export type SetupRequest = (request: Request, context: Record<string, unknown>) => Request | undefined;
  /** Called with each answer of its request; `context` is the connection's, kept across its cycle. */
  export type OnResponse = (status: number, body: string, context: Record<string, unknown>) => void;
  export interface Options {
    url: string;
    connections?: number;
    duration?: number;
    /** Requests per second over all connections: a steady rate rather than as fast as the server answers. */
    overallRate?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    requests?: Array<Request & { setupRequest?: SetupRequest; onResponse?: OnResponse }>;
  }
  export interface Histogram {
    average: number;
    p50: number;
    p99: number;
    p99_9: number;
    max: number;
  }
  export interface Result {
    requests: Histogram & { total: number; sent: number };
    latency: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
    '2xx': number;
    /** Answers by status code. */
    statusCodeStats: Record<string, { count: number }>;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
