/** What a heavy-work thread has to say for the server's log: its priority at start, an engine fault on an import's row. */
export interface HeavyNotice {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}
