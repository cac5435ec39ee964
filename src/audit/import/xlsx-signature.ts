/**
 * How an Excel workbook is recognised, apart from how it is read (xlsx.ts, which loads exceljs):
 * the CLI tells a workbook from a CSV before it knows whether it needs the reader.
 */

/** The media type of an Excel workbook (.xlsx). */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** An .xlsx is a zip archive: its bytes begin with the local file header's signature. */
export const looksLikeXlsx = (bytes: Uint8Array): boolean => bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
