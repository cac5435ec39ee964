/**
 * What a heavy-work job tells besides its answer, as it runs: to the server's log (HeavyNotice) and
 * to its caller (JobProgress). Apart from the thread protocol, so that the jobs' code can name them.
 */
/** How far a job has come: an import's records decided and written (or refused) of those its file holds. */
export interface JobProgress {
  readonly records: number;
  readonly of: number;
}

/** What a heavy-work thread has to say for the server's log: its priority at start, an engine fault on an import's row. */
export interface HeavyNotice {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}
