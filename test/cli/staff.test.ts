import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { openTokenStore } from '../../src/api/auth/tokens.js';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const cli = (script: string, dataDir: string, ...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir } });

t.test('an administrator adds and deactivates a person at the console; tokens are issued to them, listed and revoked', async (t) => {
  const dir = t.testdir();
  const added = await cli(
    'staff',
    dir,
    'add',
    'liu.tech',
    '--name',
    '刘师傅',
    '--role',
    'technician',
    '--department',
    'engineering',
    '--property',
    'demo',
    '--skill',
    'plumbing',
  );
  t.match(added.stderr, /added liu\.tech \(刘师傅\), technician of demo/);
  t.match((await cli('staff', dir, 'list')).stdout, /liu\.tech\s+刘师傅\s+technician\s+engineering\s+demo\s+plumbing\s+yes/);

  const created = await cli('token', dir, 'create', '--person', 'liu.tech', '--expires', '30d');
  const token = created.stdout.trim();
  t.match(token, /^wk_[a-z0-9]+_[A-Za-z0-9_-]{43}$/);
  t.match(created.stderr, /created technician token [a-z0-9]+ for liu\.tech \(刘师傅\), expires/);
  const tokens = openTokenStore(join(dir, 'access.db'));
  t.teardown(() => tokens.close());
  t.match(tokens.verify(token), { personId: 'liu.tech', role: 'technician', properties: ['demo'] });

  const listed = (await cli('token', dir, 'list')).stdout;
  t.match(listed, /^id\s+person\s+role\s+properties\s+created\s+last used\s+expires\s+revoked/);
  t.match(listed, /liu\.tech\s+technician\s+demo/);
  t.notMatch(listed, token.split('_').slice(2).join('_'), 'never a secret');

  const id = token.split('_')[1]!;
  t.match((await cli('token', dir, 'revoke', id)).stderr, `revoked token ${id}`);
  await t.rejects(cli('token', dir, 'revoke', 'nope'), { code: 1 });

  const second = (await cli('token', dir, 'create', '--person', 'liu.tech')).stdout.trim();
  t.match((await cli('staff', dir, 'deactivate', 'liu.tech', '--reason', '离职')).stderr, /deactivated liu\.tech \(刘师傅\); 1 token\(s\) revoked/);
  const fresh = openTokenStore(join(dir, 'access.db'));
  t.equal(fresh.verify(second), undefined, "the person's tokens are revoked");
  fresh.close();
  await t.rejects(cli('token', dir, 'create', '--person', 'liu.tech'), { code: 1, stderr: /deactivated/ }, 'no token for someone who left');
  await t.rejects(cli('token', dir, 'create', '--person', 'nobody'), { code: 1, stderr: /no person nobody/ });
  await t.rejects(cli('staff', dir, 'add', 'x.y', '--name', '某', '--role', 'boss', '--department', 'd', '--property', 'demo'), { code: 2, stderr: /--role/ });
});
