import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { Temporal } from 'temporal-polyfill';
import { caseService } from '../../src/app/case-service.js';
import { manualClock } from '../../src/runtime/clock.js';
import { openRulesetRegistry } from '../../src/ruleset/registry.js';
import { loadRuleset } from '../../src/ruleset/load.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';

/** The browser tests' Chromium (Debian's package; .ci/run installs it). */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = () => existsSync(CHROMIUM);

/** Chromium with a fresh profile in `userDataDir` (playwright passes it as --user-data-dir). */
export const launchChromium = (userDataDir: string, options: { viewport: { width: number; height: number }; locale: string }): Promise<BrowserContext> =>
  chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
    ],
    ...options,
  });

const ROOT = new URL('../..', import.meta.url).pathname;

export const newDataDir = () => mkdtemp(join(tmpdir(), 'dashboard-e2e-'));

const portFree = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

export interface RunningServer {
  readonly base: string;
  readonly dataDir: string;
  readonly log: () => string;
  /** JSON call with a bearer token; throws with the body unless the status is 2xx. */
  // biome-ignore lint/suspicious/noExplicitAny: a test reads whatever JSON the route answers.
  readonly call: <T = any>(method: string, path: string, token: string, body?: unknown) => Promise<T>;
  readonly close: () => Promise<void>;
}

/**
 * src/main.ts as a real process on a free port with a temporary DATA_DIR, the manual clock
 * from `clockStart` and the given admin token; resolves once /readyz answers (within 30 s).
 */
export const runServer = async (options: { adminToken: string; clockStart: string; dataDir?: string }): Promise<RunningServer> => {
  const dataDir = options.dataDir ?? (await newDataDir());
  const port = await portFree();
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    CLOCK: 'manual',
    CLOCK_START: options.clockStart,
    ADMIN_TOKEN: options.adminToken,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    EVENTSTORE_CONNECTION_STRING: '',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (chunk) => (log += chunk));
  child.stderr.on('data', (chunk) => (log += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;

  const giveUp = Date.now() + 30_000;
  for (let ready = false; !ready; ) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${log}`);
    if (Date.now() > giveUp) {
      child.kill('SIGKILL');
      throw new Error(`no /readyz within 30 s:\n${log}`);
    }
    ready = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    base,
    dataDir,
    log: () => log,
    call: async (method, path, token, body) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    close: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(force);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};

/**
 * Writes `count` complaints received at `at` into the SQLite event file of `dataDir` the way the
 * server would (case service, group commit), before a server is started on it: thousands of open
 * cases in a few seconds, where the same number of POSTs would be bound by the HTTP path.
 */
export const prefillComplaints = async (dataDir: string, count: number, at: string) => {
  const store = openSqliteEventStore({ file: join(dataDir, 'events.db') });
  try {
    const rulesets = await openRulesetRegistry(store, await loadRuleset(join(ROOT, 'rules')));
    const cases = caseService({ store, rulesets, clock: manualClock(Temporal.Instant.from(at)) });
    const categories = ['noise', 'parking', 'environment', 'fees'];
    await inParallel(
      Array.from({ length: count }, (_, i) => i),
      32,
      (i) =>
        cases.execute({
          caseType: 'complaint',
          command: {
            caseId: `bulk-${i}`,
            name: 'receive',
            commandId: `bulk-receive-${i}`,
            actor: { id: 'bulk-desk', role: 'frontdesk' },
            payload: {
              propertyId: 'demo',
              unit: `${1 + (i % 12)}-1-${100 + i}`,
              category: categories[i % categories.length],
              description: '批量测试',
              channel: 'phone',
              owner: { name: '业主', phone: '13800000000' },
            },
          },
        }),
    );
  } finally {
    await store.close();
  }
};

/** Runs `work` over `items` with at most `concurrency` at a time. */
export const inParallel = async <T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<unknown>) => {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await work(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
};
