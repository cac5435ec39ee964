import fc from 'fast-check';
import t from 'tap';
import { csvRecords } from '../../src/audit/import/format.js';

/** The reading csvRecords keeps, a character at a time: RFC 4180, a quote opening only an empty cell. */
const byCharacter = (text: string): string[][] => {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      record.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || record.length > 0) records.push([...record, cell]);
  return records.filter((r) => !(r.length === 1 && r[0] === ''));
};

t.test('CSV records read a run at a time are those read a character at a time, for any text', async (t) => {
  const text = fc
    .array(fc.constantFrom('a', 'bc', '"', '""', ',', '\n', '\r', '\r\n', '中文', ' ', '\uD83D\uDE00'), { maxLength: 40 })
    .map((parts) => parts.join(''));
  fc.assert(
    fc.property(text, (csv) => JSON.stringify(csvRecords(csv)) === JSON.stringify(byCharacter(csv))),
    { numRuns: 5000 },
  );
  t.same(
    csvRecords('a,"b,""c""\nd",e\r\n"x"y,"",z"q'),
    [
      ['a', 'b,"c"\nd', 'e'],
      ['xy', '', 'z"q'],
    ],
    'quoted commas, quotes and line breaks',
  );
});
