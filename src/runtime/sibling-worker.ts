import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A thread running the module `name` next to the caller's (`import.meta.url`): compiled, or from
 * the sources when the caller runs under tsx (`npm start`, the tests). tsx's loader is not a
 * thread's by inheritance: the thread registers it first.
 */
export const startSiblingWorker = (callerUrl: string, name: string, options: WorkerOptions): Worker => {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), options);
  const source = new URL(`./${name}.ts`, callerUrl).href;
  return new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`, { ...options, eval: true });
};
