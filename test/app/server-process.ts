import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** The repository's root: scripts run from there, as `npm start` and `npm run rebuild` do. */
export const ROOT = new URL('../..', import.meta.url).pathname;
export const RULES_DIR = `${ROOT}rules`;

/** A starting server or a script as a child process: its output so far, and its exit code once it ends. */
export interface ChildRun {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** The exit code (null after a signal). */
  readonly exited: Promise<number | null>;
}

/**
 * Runs a script under tsx in a child; given an `account` (root can), as that account. The test
 * runner's process hooks (NODE_OPTIONS, put back into every child's environment) write to the
 * work tree, where another account cannot: such a child is started through env(1) without them.
 */
export const runScript = (args: readonly string[], env: NodeJS.ProcessEnv = {}, account?: { uid: number; gid: number }): ChildRun => {
  const command = [process.execPath, '--import', 'tsx', ...args];
  const [file, ...rest] = account ? ['/usr/bin/env', '-u', 'NODE_OPTIONS', ...command] : command;
  const child = spawn(file!, rest, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...account });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
};

/** Whether `account` can run the engine's sources from here (it must reach the work tree and node_modules). */
export const canRunAs = (account: { uid: number; gid: number }): boolean =>
  spawnSync('/usr/bin/env', ['-u', 'NODE_OPTIONS', process.execPath, '--import', 'tsx', '-e', "require('node:fs').accessSync('src/main.ts')"], {
    cwd: ROOT,
    stdio: 'ignore',
    timeout: 60_000,
    ...account,
  }).status === 0;

/** The exit code and output of a run that should end by itself; killed (and the test failed by the caller) after `ms`. */
export const untilExit = async (run: ChildRun, ms = 90_000): Promise<{ code: number | null; output: string }> => {
  const killer = setTimeout(() => run.child.kill('SIGKILL'), ms);
  const code = await run.exited;
  clearTimeout(killer);
  return { code, output: run.output() };
};

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

/** The environment of a server on `dataDir` (embedded store, manual clock) listening on `port`. */
export const serverEnv = (dataDir: string, port: number, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  DATA_DIR: dataDir,
  RULES_DIR,
  PORT: String(port),
  HOST: '127.0.0.1',
  CLOCK: 'manual',
  CLOCK_START: '2026-03-02T01:00:00Z',
  LOG_LEVEL: 'info',
  EVENTSTORE_CONNECTION_STRING: '',
  ...extra,
});

export interface ServerProcess extends ChildRun {
  readonly base: string;
  readonly pid: number;
  /** JSON call with a bearer token: the status and the parsed body. */
  // biome-ignore lint/suspicious/noExplicitAny: a test reads whatever JSON the route answers.
  readonly call: (method: string, path: string, token: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: any }>;
  /** SIGTERM (SIGKILL after 15 s), and the exit code. */
  readonly stop: () => Promise<number | null>;
  /** SIGKILL: a crash. */
  readonly kill: () => Promise<void>;
}

/** src/main.ts as a real process; resolves once /readyz answers 200 (bounded: the machine may be busy), rejects with its output if it exits first. */
export const startServer = async (dataDir: string, extra: NodeJS.ProcessEnv = {}): Promise<ServerProcess> => {
  const port = await freePort();
  const run = runScript(['src/main.ts'], serverEnv(dataDir, port, extra));
  const base = `http://127.0.0.1:${port}`;
  const giveUp = Date.now() + 90_000;
  for (;;) {
    if (run.child.exitCode !== null) throw new Error(`the server exited with ${run.child.exitCode}:\n${run.output()}`);
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > giveUp) {
      run.child.kill('SIGKILL');
      throw new Error(`the server was not ready within 90 s:\n${run.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    ...run,
    base,
    pid: run.child.pid!,
    call: async (method, path, token, body, headers = {}) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    stop: async () => {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGTERM');
      return (await untilExit(run, 15_000)).code;
    },
    kill: async () => {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
      await run.exited;
    },
  };
};

/** The non-empty lines a run printed. */
export const linesOf = (output: string): string[] => output.split('\n').filter((line) => line.trim() !== '');
