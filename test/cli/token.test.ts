import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { openTokenStore } from '../../src/api/auth/tokens.js';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const token = (dataDir: string, ...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/token.ts', ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir } });

t.test('creates a scoped token that the server accepts, storing only its hash', async (t) => {
  const dir = t.testdir();
  const { stdout } = await token(dir, 'create', '--role', 'dispatcher', '--property', 'demo', '--property', 'north');
  const issued = stdout.trim();
  t.match(issued, /^wk_[a-z0-9]+_[A-Za-z0-9_-]{43}$/);
  const tokens = openTokenStore(join(dir, 'access.db'));
  t.teardown(() => tokens.close());
  t.match(tokens.verify(issued), { role: 'dispatcher', properties: ['demo', 'north'] });
  t.equal(tokens.verify(`${issued.slice(0, -1)}x`), undefined, 'a changed secret is refused');
});

t.test('the finance office and the quality department get tokens of their roles', async (t) => {
  const dir = t.testdir();
  const tokens = () => openTokenStore(join(dir, 'access.db'));
  for (const role of ['finance', 'inspector'] as const) {
    const { stdout, stderr } = await token(dir, 'create', '--role', role, '--property', 'demo');
    t.match(stderr, new RegExp(`^created ${role} token [a-z0-9]+ for demo\\n$`));
    const store = tokens();
    t.match(store.verify(stdout.trim()), { role, properties: ['demo'] }, role);
    store.close();
  }
  await t.rejects(
    token(dir, 'create', '--role', 'system', '--property', 'demo'),
    {
      code: 2,
      stderr: /--role must be one of frontdesk, dispatcher, technician, finance, inspector, manager, auditor, admin\n/,
    },
    "the engine's own role is no token's",
  );
});

t.test('bad arguments exit 2 with the usage', async (t) => {
  const dir = t.testdir();
  for (const args of [['create', '--role', 'boss', '--property', 'demo'], ['create', '--role', 'auditor'], ['delete'], ['create', '--colour', 'red']]) {
    await t.rejects(token(dir, ...args), { code: 2, stderr: /usage: npm run token/ }, args.join(' '));
  }
});
