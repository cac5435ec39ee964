import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { masterKeyFromConfig } from '../../../src/store/personal/master-key.js';
import { tempDir } from '../../api/harness.js';

const ROOT = new URL('../../..', import.meta.url).pathname;

/** A process that reads DATA_DIR's master key as a start does, printing its id. */
const keyIdInProcess = (dataDir: string) =>
  new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('./src/store/personal/master-key.ts').then((m) => console.log(m.masterKeyFromConfig({ DATA_DIR: ${JSON.stringify(dataDir)} }).id))`,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.once('exit', (code) => resolve({ code, out: out.trim() }));
  });

t.test('processes starting at once on a new data directory all read the one master key made, never half of it', async (t) => {
  const { dir, remove } = await tempDir('master-key-race-');
  t.teardown(remove);
  const runs = await Promise.all(Array.from({ length: 6 }, () => keyIdInProcess(dir)));
  for (const run of runs) t.equal(run.code, 0, run.out);
  t.equal(new Set(runs.map((run) => run.out)).size, 1, `one key id: ${runs.map((run) => run.out).join(', ')}`);
  t.equal(masterKeyFromConfig({ DATA_DIR: dir }).id, runs[0]!.out, 'the key on disk');
  t.same(readdirSync(dir), ['master.key'], 'no draft left beside it');
  t.equal(statSync(join(dir, 'master.key')).mode & 0o777, 0o600, 'readable by its owner only');
});
