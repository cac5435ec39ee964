import { PassThrough } from 'node:stream';
import t from 'tap';
import { importProgress } from '../../src/cli/import-progress.js';

const streamOf = (isTTY: boolean) => {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  let text = '';
  stream.on('data', (chunk) => (text += chunk));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
};

const progress = { rows: 2_000, totalRows: 4_000, records: 1_990, rejected: 10, events: 12_000 };

t.test('on a terminal: a bar of rows, records, rejected and the rate, then the final line', async (t) => {
  const { stream, text } = streamOf(true);
  const bar = importProgress(stream, () => 2);
  bar.update(progress);
  bar.update({ ...progress, rows: 4_000, records: 3_990, events: 24_000 });
  t.match(text(), /importing \[.*\] 50% \| 2000\/4000 rows \| 1990 records \| 10 rejected \| 6000 events\/s/);
  bar.stop();
  t.match(text(), /import: 4000 row\(s\), 3990 record\(s\), 10 rejected, 24000 event\(s\) written in 2\.0 s \(12000 events\/s, 2000 rows\/s\)\n$/);
});

t.test('elsewhere (a log, a pipe): only the final line', async (t) => {
  const { stream, text } = streamOf(false);
  const bar = importProgress(stream, () => 4);
  bar.update(progress);
  t.equal(text(), '');
  bar.stop();
  t.equal(text(), 'import: 2000 row(s), 1990 record(s), 10 rejected, 12000 event(s) written in 4.0 s (3000 events/s, 500 rows/s)\n');
});
