/** The settings of `npm run bench:http`, from the environment (see bench/http.ts), and the goals printed beside its figures. */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
export const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
export const CASES = Number(process.env.BENCH_CASES ?? 2000);
export const SOAK = Number(process.env.BENCH_SOAK ?? 0);
export const PROFILE = process.env.BENCH_PROFILE;
export const KEEP = Boolean(process.env.BENCH_KEEP);
/** The crowd phase (bench/http-crowd.ts): run before the rounds (default), `0` skips it, `only` runs it alone. */
export const CROWD = process.env.BENCH_CROWD ?? '1';
/** Seconds of each half of the crowd phase: a ratio of two 5-second halves moved by ±0.1 from run to run. */
export const CROWD_SECONDS = Number(process.env.BENCH_CROWD_SECONDS ?? 20);

/** The goals, printed beside the figures. */
export const GOAL = { ratio: 0.4, p99Ms: 20, rssMb: 256, lagBackUnderOneSecondWithin: 2 };
