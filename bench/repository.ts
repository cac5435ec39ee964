import { fileURLToPath } from 'node:url';

/** Whether the benchmarks run compiled, from dist/bench/ (npm run bench:http, bench:projections), or from bench/ with tsx. */
export const COMPILED = import.meta.url.includes('/dist/bench/');

/** The repository's sample rules, from either place. */
export const RULES_DIR = fileURLToPath(new URL(COMPILED ? '../../rules' : '../rules', import.meta.url));
