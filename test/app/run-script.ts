import { spawn } from 'node:child_process';

export const ROOT = new URL('../..', import.meta.url).pathname;

/** Runs a script under tsx in a child, from the repository's root; its exit code and output. */
export const runScript = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
};
