import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import t from 'tap';
import { importedCaseId } from '../../src/audit/import/import.js';
import { parseImportXlsx, readXlsxTable, XLSX_TYPE } from '../../src/audit/import/xlsx.js';
import { buildHarness, owner, tempDir } from '../api/harness.js';

/** Text an encoding round trip would damage: CJK, full-width punctuation, quotes, a line break. */
const description = '楼上装修噪音，晚上十点后仍在施工——“电钻”声；\n业主：请尽快处理！';
const complaint = { propertyId: 'demo', unit: '1-1-101', category: 'noise', description, channel: 'phone', owner };

/**
 * A workbook as an office exports it: the event-row columns, times as Excel date cells (no zone),
 * the old system's number as a numeric cell, a blank row, and a second sheet that is not imported.
 */
const workbook = async (bad: 'caseType' | 'error' = 'caseType') => {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('工单');
  sheet.addRow(['caseRef', 'caseType', 'action', 'occurredAt', 'actor', 'role', 'number', 'fields']);
  // Excel keeps wall-clock time: the writer takes a Date's UTC fields as that reading.
  const local = (day: number, hour: number, minute = 0) => new Date(Date.UTC(2022, 2, day, hour, minute));
  sheet.addRow(['XL-1', 'complaint', 'receive', local(1, 9, 5), '李娜', 'frontdesk', 20220301001, JSON.stringify(complaint)]);
  sheet.addRow(['XL-1', 'complaint', 'acknowledge', local(1, 10, 30), '李娜', 'frontdesk', null, null]);
  sheet.addRow([]);
  sheet.addRow(['XL-2', bad === 'caseType' ? 'letter' : { error: '#N/A' }, 'receive', local(2, 9), '李娜', 'frontdesk', null, JSON.stringify(complaint)]);
  sheet.addRow(['XL-3', 'complaint', 'receive', '2022-03-03T09:00:00+08:00', '王强', 'frontdesk', null, JSON.stringify(complaint)]);
  for (let row = 2; row <= 5; row++) sheet.getCell(`D${row}`).numFmt = 'yyyy-mm-dd hh:mm';
  wb.addWorksheet('说明').addRow(['这张表不导入']);
  return Buffer.from(await wb.xlsx.writeBuffer());
};

const post = (h: Awaited<ReturnType<typeof buildHarness>>, body: Buffer, query = '') =>
  h.inject('POST', `/v1/admin/import${query}`, { as: 'admin', raw: body, headers: { 'content-type': XLSX_TYPE } });

t.test('an .xlsx imports as its CSV would: text exact, date cells read as times without an offset, a bad row refused at its row', async (t) => {
  const h = await buildHarness();
  t.teardown(h.close);
  const file = await workbook();
  const before = await h.eventCount();

  const refused = (await post(h, file)).json();
  t.match(refused, { rows: 4, cases: { imported: 1 }, eventsWritten: 1 }, 'only XL-3, whose time has its offset; the blank row is no row');
  t.match(refused.rejected, [
    { row: 1, caseRef: 'XL-1', field: 'occurredAt', value: '2022-03-01 09:05:00', hint: /timeZone=property/ },
    { row: 2, caseRef: 'XL-1', field: 'occurredAt', value: '2022-03-01 10:30:00' },
    { row: 4, caseRef: 'XL-2', field: 'occurredAt', value: '2022-03-02 09:00:00' },
  ]);
  t.equal(await h.eventCount(), before + 1);

  const done = (await post(h, file, '?timeZone=Asia/Shanghai')).json();
  t.match(done, { cases: { imported: 1, unchanged: 1 }, eventsWritten: 2 });
  t.same(
    done.rejected.map((r: { row: number; field: string }) => [r.row, r.field]),
    [[4, 'caseType']],
    'row 4 is the sheet’s fifth row: the blank row keeps its number',
  );
  const events = (await h.inject('GET', `/v1/complaints/${importedCaseId('complaint', 'XL-1')}/events`, { as: 'auditor' })).json().events;
  t.same(
    events.map((e: { metadata: { occurredAt: string } }) => new Date(e.metadata.occurredAt).toISOString()),
    ['2022-03-01T01:05:00.000Z', '2022-03-01T02:30:00.000Z'],
    'the cells’ wall-clock times read in Asia/Shanghai',
  );
  t.equal(events[0].data.description, description, 'the Chinese text round-trips exactly');
  t.equal(events[0].data.number, '20220301001', 'a numeric cell as plain digits');
  t.equal(events[0].metadata.actor.id, '李娜');
});

t.test('a cell holding a spreadsheet error refuses its row, naming the column; the CLI reads a file path', async (t) => {
  const { dir, remove } = await tempDir('import-xlsx-');
  t.teardown(remove);
  const path = join(dir, '历史工单.xlsx');
  await writeFile(path, await workbook('error'));
  const { rows, problems } = await parseImportXlsx(path);
  t.same(
    rows.map((r) => r.row),
    [1, 2, 5],
  );
  t.match(problems, [{ row: 4, field: 'caseType', value: '#N/A', caseRef: 'XL-2', message: /spreadsheet error #N\/A/ }]);
  t.match(rows[0]!.value, { caseRef: 'XL-1', occurredAt: '2022-03-01 09:05:00', number: '20220301001', fields: { description } });
  t.match(rows[1]!.value, { number: '', fields: {} }, 'empty cells are empty strings, as in a CSV');

  await t.rejects(parseImportXlsx(Buffer.from('caseRef,caseType\n')), { code: 'INVALID_COMMAND', message: /not a readable \.xlsx workbook/ });
  const cells = new ExcelJS.Workbook();
  const sheet = cells.addWorksheet('cells');
  sheet.addRow(['n']);
  sheet.addRow([1e21, 1e-7, 0.1, true, { richText: [{ text: '富' }, { text: '文本' }] }, new Date(Date.UTC(2022, 2, 1)), { formula: 'A2', result: 44621.75 }]);
  sheet.getCell('F2').numFmt = 'yyyy-mm-dd';
  sheet.getCell('G2').numFmt = 'yyyy-mm-dd hh:mm';
  t.same(
    (await readXlsxTable(Buffer.from(await cells.xlsx.writeBuffer()))).records[0]!.cells,
    ['1000000000000000000000', '0.0000001', '0.1', 'true', '富文本', '2022-03-01', '2022-03-01 18:00:00'],
    'numbers in plain digits, rich text as text, a date as a date, a dated formula as its local time',
  );
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('rows').addRow(['caseRef', 'action']);
  await t.rejects(parseImportXlsx(Buffer.from(await wb.xlsx.writeBuffer())), { code: 'INVALID_COMMAND', message: /header lacks caseType/ });
});
