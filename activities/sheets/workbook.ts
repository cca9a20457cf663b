import { parseXml } from './xml';
import type { WorkbookZip } from './zip';

// Parts that describe the workbook are small; anything longer than this between two tags is not one.
const MAX_RUN = 64 * 1024;

async function readXml(zip: WorkbookZip, part: string, open: (name: string, attrs: Record<string, string>) => void): Promise<void> {
  for await (const _ of parseXml(zip.read(part), { open }, MAX_RUN, () => new Error(`phần ${part} hỏng`))) void _;
}

/** The workbook's sheets in tab order, with their parts, and the date system (1900 or 1904). */
export async function sheetsOf(zip: WorkbookZip): Promise<{ sheets: Array<{ name: string; path: string }>; date1904: boolean }> {
  const declared: Array<{ name: string; rid: string | undefined }> = [];
  let date1904 = false;
  await readXml(zip, 'xl/workbook.xml', (name, a) => {
    if (name === 'sheet') declared.push({ name: a.name ?? '', rid: a['r:id'] ?? Object.entries(a).find(([k]) => k.endsWith(':id'))?.[1] });
    if (name === 'workbookPr') date1904 = a.date1904 === '1' || a.date1904 === 'true';
  });
  const targets = new Map<string, string>();
  if (zip.has('xl/_rels/workbook.xml.rels')) {
    await readXml(zip, 'xl/_rels/workbook.xml.rels', (name, a) => {
      if (name === 'Relationship' && a.Id && a.Target) targets.set(a.Id, a.Target);
    });
  }
  const sheets = declared.flatMap(({ name, rid }) => {
    const target = rid === undefined ? undefined : targets.get(rid);
    return target ? [{ name, path: target.startsWith('/') ? target.slice(1) : `xl/${target}` }] : [];
  });
  return { sheets, date1904 };
}

/** Where the first sheet (the first tab) is, and the date system (1900 or 1904). */
export async function firstSheet(zip: WorkbookZip): Promise<{ path: string; date1904: boolean }> {
  const { sheets, date1904 } = await sheetsOf(zip);
  if (!sheets.length) throw new Error('sổ tính không có trang tính nào');
  return { path: sheets[0]!.path, date1904 };
}

// Built-in number formats that show dates or times (ECMA-376 18.8.30, and the East Asian ones).
const DATE_FORMAT_IDS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);
// A custom format is a date when it has date or time letters outside quotes and brackets (as exceljs decides).
const isDateCode = (code: string) => /[ymdhMsb]/.test(code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));

// Excel itself allows 64,000 cell formats.
const MAX_STYLES = 65_536;

/** Which cell styles (`s` of a cell) show a date: a number in such a cell is a date. */
export async function dateStyles(zip: WorkbookZip): Promise<boolean[]> {
  if (!zip.has('xl/styles.xml')) return [];
  const custom = new Map<number, boolean>();
  const styles: boolean[] = [];
  let inCellXfs = false;
  for await (const _ of parseXml(
    zip.read('xl/styles.xml'),
    {
      open(name, a) {
        if (custom.size + styles.length > MAX_STYLES) throw new Error(`phần xl/styles.xml có hơn ${MAX_STYLES} kiểu ô`);
        if (name === 'numFmt') custom.set(Number(a.numFmtId), isDateCode(a.formatCode ?? ''));
        else if (name === 'cellXfs') inCellXfs = true;
        else if (name === 'xf' && inCellXfs) {
          const id = Number(a.numFmtId ?? 0);
          styles.push(custom.get(id) ?? DATE_FORMAT_IDS.has(id));
        }
      },
      close(name) {
        if (name === 'cellXfs') inCellXfs = false;
      },
    },
    MAX_RUN,
    () => new Error('phần xl/styles.xml hỏng'),
  ))
    void _;
  return styles;
}
