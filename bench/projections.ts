/**
 * Projections against the raw log: a full rebuild of every projection from a SQLite event store
 * of realistic case histories, against a plain sequential read of the same log, in the same run.
 *
 *   npm run bench:projections                  (BENCH_CASES=130000: about 1 million events)
 *   BENCH_CASES=5000 npm run bench:projections (a quick run)
 *   BENCH_EVENTS_DB=/tmp/events.db …           (keep the generated log and reuse it in later runs)
 *
 * The script compiles the sources (tsconfig.bench.json) and runs them as production does: node on
 * JavaScript, with the heap limit `npm run rebuild` sets (512 MB): without a limit V8 sizes the
 * heap by the machine's memory, far above what a rebuild keeps alive (docs/performance.md).
 *
 * Goals: rebuild ≥ 0.3 × the raw read's events/s; peak RSS ≤ 256 MB; the compliance report over
 * the rebuilt read model ≤ 500 ms.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Temporal } from 'temporal-polyfill';
import { openRulesetRegistry } from '../src/ruleset/registry.js';
import { allProjections, createProjectionRunner, openReadModelDb, REBUILD_BATCH_SIZE } from '../src/projections/index.js';
import { pendingAfter } from '../src/projections/log-scan.js';
import { loadRuleset } from '../src/ruleset/load.js';
import { openSqliteEventStore } from '../src/store/sqlite.js';
import { generate } from './projections-histories.js';
import { readEverything, timeComplianceReport, timed, type Timing } from './projections-timing.js';
import { RULES_DIR } from './repository.js';

const CASES = Number(process.env.BENCH_CASES ?? 130_000);

const main = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bench-projections-'));
  const eventsFile = process.env.BENCH_EVENTS_DB ?? join(dir, 'events.db');
  const reuse = existsSync(eventsFile);
  const store = openSqliteEventStore({ file: eventsFile });
  const ruleset = await loadRuleset(RULES_DIR);
  const rulesets = await openRulesetRegistry(store, ruleset);
  if (reuse) console.error(`reusing the log in ${eventsFile}`);
  else {
    const generation = await timed('generate', async () => {
      await generate(store, ruleset, CASES);
      return 0;
    });
    console.error(`generated ${CASES} cases in ${generation.seconds.toFixed(1)} s (${store.stats().transactions} transactions)`);
  }

  const raw = await timed('raw sequential read (readAll pages of 1000)', () => readEverything(store));
  const rssBeforeRebuild = process.resourceUsage().maxRSS / 1024;
  const { count: caseEvents, last: head } = await pendingAfter(store, null);
  const readModelsFile = join(dir, 'read-models.db');
  const db = openReadModelDb(readModelsFile);
  const runner = createProjectionRunner({
    store,
    db,
    projections: allProjections(),
    rulesets,
    clock: { now: () => Temporal.Now.instant() },
    batchSize: Number(process.env.BENCH_BATCH ?? REBUILD_BATCH_SIZE),
  });
  const rebuild = await timed('rebuild of all projections', async () => {
    await runner.start();
    if (head) await runner.waitForPosition(head);
    await runner.stop();
    return caseEvents;
  });
  const compliance = await timeComplianceReport({ file: readModelsFile, rulesets });
  db.close();
  await store.close();

  const perSecond = (t: Timing) => t.events / t.seconds;
  const line = (t: Timing) =>
    `${t.label.padEnd(46)} ${String(t.events).padStart(9)} events ${t.seconds.toFixed(2).padStart(7)} s ${Math.round(perSecond(t)).toLocaleString('en').padStart(10)} events/s`;
  const ratio = perSecond(rebuild) / perSecond(raw);
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(`log: ${raw.events} events (${caseEvents} case events)`);
  console.log(line(raw));
  console.log(line(rebuild));
  if (compliance)
    console.log(
      `${compliance.label.padEnd(46)} ${String(compliance.events).padStart(9)} cases  ${(compliance.seconds * 1000).toFixed(0).padStart(7)} ms (goal ≤ 500 ms)`,
    );
  console.log(`rebuild / raw read: ${ratio.toFixed(2)} (goal ≥ 0.30)`);
  console.log(`peak RSS: ${peakMb.toFixed(0)} MB (goal ≤ 256 MB); ${rssBeforeRebuild.toFixed(0)} MB before the rebuild`);
  const rows = (sql: string) => Number(openReadModelDb(readModelsFile).prepare(sql).pluck().get());
  console.log(`read model: ${rows('SELECT count(*) FROM cases')} cases, ${rows('SELECT count(*) FROM case_clocks')} clock rows`);
  // The temp directory holds the read model, and the log unless BENCH_EVENTS_DB keeps it elsewhere.
  await rm(dir, { recursive: true, force: true });
};

await main();
