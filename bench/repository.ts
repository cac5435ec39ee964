import { fileURLToPath } from 'node:url';

/** Whether the benchmarks run compiled, from dist/bench/ (npm run bench:http, bench:projections), or from bench/ with tsx. */
export const COMPILED = import.meta.url.includes('/dist/bench/');

/** The repository's sample rules, from either place. */
export const RULES_DIR = fileURLToPath(new URL(COMPILED ? '../../rules' : '../rules', import.meta.url));

/**
 * The node arguments that run one of the repository's scripts (e.g. 'src/main') the way this
 * benchmark itself runs: compiled, from dist/, on plain node; or from the sources through tsx.
 */
export const scriptArgs = (script: string): string[] =>
  COMPILED ? [fileURLToPath(new URL(`../${script}.js`, import.meta.url))] : ['--import', 'tsx', fileURLToPath(new URL(`../${script}.ts`, import.meta.url))];
