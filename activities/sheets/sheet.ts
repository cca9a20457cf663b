import type { Limits } from '../../clients/config';
import { LimitExceeded } from '../limits';
import { columnOf, excelDate, maxRunBytes, type SheetCell, type SheetRow } from './cells';
import type { StringTable } from './sharedStrings';
import { parseXml } from './xml';
import type { WorkbookZip } from './zip';

export interface SheetContext {
  strings: StringTable;
  dateStyles: boolean[];
  date1904: boolean;
}

type RowLimits = Pick<Limits, 'SOHOA_MAX_ROW_CELLS' | 'SOHOA_MAX_CELL_CHARS'>;

interface OpenCell {
  col: number;
  type: string;
  style: number;
  /** `<v>`, or an inline string's runs joined; undefined when the cell has none. */
  text?: string;
}

function valueOf(c: OpenCell, ctx: SheetContext): SheetCell | undefined {
  const t = c.text;
  if (t === undefined) return undefined;
  switch (c.type) {
    case 's':
      return ctx.strings.get(Number(t));
    case 'inlineStr':
    case 'str':
      return t;
    case 'b':
      return t === '1' || t === 'true';
    case 'e':
      return undefined;
    case 'd': {
      const d = new Date(t);
      return Number.isNaN(d.getTime()) ? undefined : d;
    }
    default: {
      const n = Number(t);
      if (t.trim() === '' || Number.isNaN(n)) return undefined;
      return ctx.dateStyles[c.style] ? excelDate(n, ctx.date1904) : n;
    }
  }
}

/**
 * Streams the rows of one sheet part, one row held at a time. A row with too many cells or a
 * cell with too long a text is refused as soon as it is seen, naming the row or the cell.
 */
export async function* readSheetRows(zip: WorkbookZip, part: string, ctx: SheetContext, limits: RowLimits, file: string): AsyncGenerator<SheetRow> {
  const ready: SheetRow[] = [];
  let row: (SheetRow & { count: number; lastCol: number }) | undefined;
  let lastRow = 0;
  let cell: OpenCell | undefined;
  let inValue = false;
  let phonetic = 0;
  const where = () => `tệp ${file}: dòng ${row?.row ?? lastRow}`;
  const tooLong = () => new LimitExceeded('SOHOA_MAX_CELL_CHARS', `${where()}: ô dài hơn ${limits.SOHOA_MAX_CELL_CHARS} ký tự`);

  const handlers = {
    open(name: string, a: Record<string, string>) {
      if (name === 'row') {
        const r = a.r !== undefined ? Number(a.r) : lastRow + 1;
        if (!Number.isSafeInteger(r) || r < 1) throw new Error(`${where()}: số dòng "${a.r}" sai`);
        row = { row: r, cells: [], count: 0, lastCol: 0 };
        lastRow = r;
      } else if (name === 'c' && row) {
        if (++row.count > limits.SOHOA_MAX_ROW_CELLS) throw new LimitExceeded('SOHOA_MAX_ROW_CELLS', `${where()}: có hơn ${limits.SOHOA_MAX_ROW_CELLS} ô`);
        const col = a.r !== undefined ? columnOf(a.r) : row.lastCol + 1;
        if (col === undefined) throw new Error(`${where()}: ô "${a.r}" ngoài bảng tính`);
        row.lastCol = col;
        cell = { col, type: a.t ?? 'n', style: Number(a.s ?? 0) };
      } else if (cell && (name === 'v' || (name === 't' && phonetic === 0))) {
        cell.text ??= '';
        inValue = true;
      } else if (name === 'rPh') phonetic++;
    },
    text(t: string) {
      if (!inValue || !cell) return;
      cell.text += t;
      if (cell.text!.length > limits.SOHOA_MAX_CELL_CHARS) throw tooLong();
    },
    close(name: string) {
      if (name === 'v' || name === 't') inValue = false;
      else if (name === 'rPh') phonetic--;
      else if (name === 'c' && row && cell) {
        const v = valueOf(cell, ctx);
        if (v !== undefined) row.cells[cell.col - 1] = v;
        cell = undefined;
      } else if (name === 'row' && row) {
        if (row.cells.length) ready.push({ row: row.row, cells: row.cells });
        row = undefined;
      }
    },
  };

  for await (const _ of parseXml(zip.read(part), handlers, maxRunBytes(limits), tooLong)) {
    yield* ready;
    ready.length = 0;
  }
}
