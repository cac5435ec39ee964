/**
 * The server processes of `npm run bench:http`: started as `npm start` starts the server (its own
 * node process, configured only through the environment), logging to a file, and stopped with
 * SIGTERM as an operator would.
 */
import { execFile, spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { scriptArgs } from './repository.js';

/** The settings src/config.ts reads: none of them may leak into the servers from the caller's shell. */
const SERVER_SETTINGS = [
  'PORT',
  'HOST',
  'DATA_DIR',
  'RULES_DIR',
  'EVENTSTORE_CONNECTION_STRING',
  'ADMIN_TOKEN',
  'CLOCK',
  'CLOCK_START',
  'CLOCK_SKEW_TOLERANCE_SECONDS',
  'LOG_LEVEL',
  'BODY_LIMIT',
  'PROJECTION_THREAD_NICE',
];

/** The caller's environment without any server setting, plus the given ones: every other setting stays at its default. */
const serverEnv = (settings: Record<string, string>): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const name of SERVER_SETTINGS) delete env[name];
  return { ...env, ...settings };
};

/** A port nobody listens on now: the server takes a fixed PORT, so one is found by binding port 0 and letting it go. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/** A bearer token made with the token CLI in DATA_DIR, as an operator makes one for a desk. */
export const createToken = async (dataDir: string, role: string, property: string): Promise<string> => {
  const { stdout } = await promisify(execFile)(process.execPath, [...scriptArgs('src/cli/token'), 'create', '--role', role, '--property', property], {
    env: serverEnv({ DATA_DIR: dataDir }),
  });
  return stdout.trim();
};

export interface ServerProcess {
  readonly pid: number;
  readonly url: string;
  readonly logFile: string;
  /** Throws, with the end of the log, when the process is gone. */
  assertAlive(): void;
  /** SIGTERM, then SIGKILL if it has not stopped within the grace period; resolves to the exit code. */
  stop(): Promise<number | null>;
}

export interface ServerOptions {
  /** The repository script to run, e.g. 'src/main'. */
  readonly script: string;
  readonly dataDir: string;
  readonly rulesDir: string;
  readonly adminToken: string;
  readonly logFile: string;
  /** Node flags before the script, e.g. --cpu-prof. */
  readonly nodeFlags?: readonly string[];
  /**
   * When the server counts as ready: 'readyz' once GET /readyz answers 2xx (the app's servers);
   * 'listening' once it answers anything at all (a server without that route).
   */
  readonly ready?: 'readyz' | 'listening';
}

const STOP_GRACE_MS = 15_000;
const READY_TIMEOUT_MS = 60_000;

const logTail = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split('\n').slice(-20).join('\n');

/** Starts a server and resolves once it answers GET /readyz. */
export const startServer = async (options: ServerOptions): Promise<ServerProcess> => {
  const port = await freePort();
  const log = openSync(options.logFile, 'a');
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ...scriptArgs(options.script)], {
    env: serverEnv({ PORT: String(port), DATA_DIR: options.dataDir, RULES_DIR: options.rulesDir, ADMIN_TOKEN: options.adminToken }),
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  // Should the benchmark die first (an exception, a closed pipe), the server is told to stop rather than left running.
  const stopWithUs = () => child.kill('SIGTERM');
  process.once('exit', stopWithUs);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      process.off('exit', stopWithUs);
      exitCode = code ?? (signal ? null : 0);
      resolve(exitCode);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    pid: child.pid!,
    url,
    logFile: options.logFile,
    assertAlive() {
      if (exitCode !== undefined) throw new Error(`${options.script} exited with ${exitCode}; see ${options.logFile}`);
    },
    async stop() {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await answersReady(url, options.ready ?? 'readyz'))) {
    if (exitCode !== undefined) throw new Error(`${options.script} exited with ${exitCode} before it was ready:\n${await logTail(options.logFile)}`);
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${options.script} was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${await logTail(options.logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return server;
};

const answersReady = async (url: string, ready: 'readyz' | 'listening') => {
  try {
    const response = await fetch(`${url}/readyz`);
    return ready === 'listening' || response.ok;
  } catch {
    return false;
  }
};
