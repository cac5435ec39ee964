import cliProgress from 'cli-progress';
import type { ImportProgress } from '../audit/import/stream-import.js';

const rate = (count: number, seconds: number) => (seconds > 0 ? Math.round(count / seconds) : 0);

/** The final line of an import: what it read and wrote, in how long. */
export const progressLine = (p: ImportProgress, seconds: number) =>
  `import: ${p.rows} row(s), ${p.records} record(s), ${p.rejected} rejected, ${p.events} event(s) written in ${seconds.toFixed(1)} s (${rate(
    p.events,
    seconds,
  )} events/s, ${rate(p.rows, seconds)} rows/s)`;

/**
 * An import's progress on stderr: a bar (rows, records, rejected, rate) when stderr is a terminal,
 * else only the final line, for a log. `elapsed` is the seconds since the import began.
 */
export const importProgress = (stream: NodeJS.WriteStream, elapsed: () => number) => {
  const bar = stream.isTTY
    ? new cliProgress.SingleBar(
        {
          format: 'importing [{bar}] {percentage}% | {value}/{total} rows | {records} records | {rejected} rejected | {rate} events/s',
          stream,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let last: ImportProgress | undefined;
  let started = false;
  return {
    update(p: ImportProgress) {
      last = p;
      const payload = { records: p.records, rejected: p.rejected, rate: rate(p.events, elapsed()) };
      if (bar && !started) {
        started = true;
        bar.start(p.totalRows, p.rows, payload);
      } else bar?.update(p.rows, payload);
    },
    /** The bar cleared, the final line written; nothing when nothing was read. */
    stop() {
      if (started) bar?.stop();
      if (last) stream.write(`${progressLine(last, elapsed())}\n`);
    },
  };
};
