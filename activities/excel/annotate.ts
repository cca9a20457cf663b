import ExcelJS from 'exceljs';
import type { Readable, Writable } from 'node:stream';
import { neutraliseCell } from '../../contracts/v1/cells';
import type { Problem } from '../../domain/excel';
import { readDataSheet } from './read';

export const PROBLEM_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFF8080' } };
export const PROBLEMS_SHEET = 'Danh sách lỗi';

const A1 = /^([A-Z]+)(\d+)$/;
function decodeCell(ref: string): { col: number; row: number } | undefined {
  const m = A1.exec(ref);
  if (!m) return undefined;
  let col = 0;
  for (const ch of m[1]!) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { col, row: Number(m[2]) };
}

/**
 * Writes a copy of the workbook's data sheet with every problem cell filled red and commented (the
 * messages in Vietnamese), plus a sheet listing all problems. Both sides stream, so memory holds the
 * problems, not the workbook. Values are copied as text; formatting of the original is not kept.
 */
export async function writeAnnotated(
  source: Readable,
  out: Writable,
  problems: readonly Problem[],
  onProgress: (rows: number) => void = () => undefined,
): Promise<void> {
  const byRow = new Map<number, Map<number, string[]>>();
  for (const p of problems) {
    // Only a problem of a cell paints one; the others (a PDF, the whole file) are in the list sheet.
    const at = p.cell ? decodeCell(p.cell) : undefined;
    if (!at) continue;
    const { row, col } = at;
    let cols = byRow.get(row);
    if (!cols) byRow.set(row, (cols = new Map()));
    const msgs = cols.get(col) ?? [];
    msgs.push(p.messageVi);
    cols.set(col, msgs);
  }

  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'sohoa';
  let ws: ExcelJS.Worksheet | undefined;
  let lastRow = 0;
  const writeNotes = (rowNo: number, cells: string[]) => {
    const row = ws!.getRow(rowNo);
    // A copy people open in a spreadsheet: a value that looks like a formula stays text.
    row.values = cells.map((c) => (c === '' ? null : neutraliseCell(c)));
    const marks = byRow.get(rowNo);
    if (marks)
      for (const [col, msgs] of marks) {
        const cell = row.getCell(col);
        cell.fill = PROBLEM_FILL;
        cell.note = msgs.join('\n');
      }
    row.commit();
    lastRow = rowNo;
  };
  await readDataSheet(
    source,
    (name) => {
      ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    },
    (rowNo, cells) => {
      // Problem rows that were blank in the source still get their mark.
      for (const r of [...byRow.keys()].filter((r) => r > lastRow && r < rowNo).sort((a, b) => a - b)) writeNotes(r, []);
      writeNotes(rowNo, cells);
      if (rowNo % 2000 === 0) onProgress(rowNo);
    },
  );
  if (ws) {
    for (const r of [...byRow.keys()].filter((r) => r > lastRow).sort((a, b) => a - b)) writeNotes(r, []);
    ws.commit();
  }

  const list = wb.addWorksheet(PROBLEMS_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  list.columns = [
    { key: 'sheet', width: 14 },
    { key: 'row', width: 8 },
    { key: 'cell', width: 8 },
    { key: 'column', width: 28 },
    { key: 'value', width: 20 },
    { key: 'code', width: 18 },
    { key: 'messageVi', width: 90 },
  ];
  const h = list.addRow(['Trang', 'Dòng', 'Ô', 'Trường', 'Giá trị', 'Mã lỗi', 'Nội dung']);
  h.font = { bold: true };
  h.commit();
  for (const p of problems) list.addRow([p.sheet, p.row ?? null, p.cell ?? null, p.column ?? null, p.value === undefined ? null : neutraliseCell(p.value), p.code, neutraliseCell(p.messageVi)]).commit();
  list.commit();
  await wb.commit();
}
