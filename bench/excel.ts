/**
 * bench:excel — validateExcel on a generated 50,000-row KS workbook (fs store, with a 50,000-PDF
 * manifest to cross-check), against the baseline of exceljs merely reading the same file streaming.
 * Each side runs in its own child process so its peak RSS is its own. Prints a table, then one JSON
 * line: ratio = project rows/s ÷ baseline rows/s (higher is better, 1 = as fast as the baseline).
 *   npm run bench:excel [-- --rows 50000 --runs 2]
 */
import ExcelJS from 'exceljs';
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { bookSchema, type Book } from '../domain/book';
import { loadUnits } from '../clients/units';
import { TEMPLATES } from '../domain/excel';
import { artifactKeys, pdfName } from '../domain/naming';
import { createValidateExcel } from '../activities/excel/validateExcel';
import { FsStore } from '../clients/storage/fs';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};

const book: Book = bookSchema.parse({ agency: loadUnits().findAgency('20335'), type: 'birth', bookNo: '01', yearFrom: 2017, yearTo: 2017 });
const keys = artifactKeys(book);
const MANIFEST_KEY = keys.manifest;

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Huỳnh', 'Hoàng', 'Võ', 'Đặng'];
const GIVEN = ['Văn An', 'Thị Bình', 'Minh Châu', 'Quốc Dũng', 'Thị Hoa', 'Ngọc Lan', 'Đức Phúc', 'Thị Thu'];
const dateOf = (i: number) => {
  const d = new Date(Date.UTC(2017, 0, 1) + Math.floor((i * 365) / 50_001) * 86_400_000);
  return { iso: d.toISOString().slice(0, 10), vi: `${d.toISOString().slice(8, 10)}.${d.toISOString().slice(5, 7)}.2017` };
};

async function generate(store: FsStore, rows: number) {
  const cols = TEMPLATES.KS.columns.map((c) => c.key);
  const pass = new PassThrough();
  const put = store.put(keys.excel, pass);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: pass, useStyles: false, useSharedStrings: false });
  const ws = wb.addWorksheet('KS');
  ws.addRow(cols).commit();
  const files: { name: string; pages: number }[] = [];
  for (let i = 1; i <= rows; i++) {
    const d = dateOf(i);
    const name = (k: number) => `${FAMILY[(i + k) % 8]} ${GIVEN[(i * 7 + k) % 8]}`;
    const v: Record<string, string> = {
      so: String(i).padStart(2, '0'),
      quyenSo: '01/2017',
      trangSo: String(Math.ceil(i / 2)),
      ngayDangKy: d.vi,
      loaiDangKy: String((i % 6) + 1),
      noiDangKy: 'UBND phường Tân Thạnh',
      nguoiKy: 'Lê Văn Bốn',
      chucVuNguoiKy: 'Phó Chủ tịch',
      nguoiThucHien: 'Trần Thị Năm',
      nksHoTen: name(0),
      nksGioiTinh: String((i % 2) + 1),
      nksNgaySinh: d.vi,
      nksNoiSinh: 'Bệnh viện Đa khoa tỉnh Quảng Nam',
      nksQueQuan: 'Tam Kỳ, Quảng Nam',
      nksDanToc: 'Kinh',
      nksQuocTich: 'Việt Nam',
      nksLoaiKhaiSinh: '1',
      meHoTen: name(1),
      meNgaySinh: '1990',
      meDanToc: 'Kinh',
      meQuocTich: 'Việt Nam',
      meLoaiCuTru: '1',
      meNoiCuTru: 'Tân Thạnh, Tam Kỳ, Quảng Nam',
      meLoaiGiayToTuyThan: '1',
      meSoGiayToTuyThan: String(205000000 + i),
      chaHoTen: name(2),
      chaNgaySinh: '12.05.1988',
      chaDanToc: 'Kinh',
      chaQuocTich: 'Việt Nam',
      chaLoaiCuTru: '1',
      chaNoiCuTru: 'Tân Thạnh, Tam Kỳ, Quảng Nam',
      nycHoTen: name(2),
      nycQuanHe: 'Cha',
    };
    ws.addRow(cols.map((k) => v[k] ?? null)).commit();
    files.push({ name: pdfName({ type: 'birth', yearFrom: 2017, yearTo: 2017, bookNo: '01', registrationDate: d.iso, caseNo: i }), pages: 1 });
  }
  ws.commit();
  await wb.commit();
  pass.end();
  const stored = await put;
  await store.put(MANIFEST_KEY, JSON.stringify({ book: keys.prefix, files }));
  return stored;
}

interface ChildResult {
  rows: number;
  ms: number;
  maxRssMB: number;
  problems?: number;
}

/** Runs inside a child process: one measurement, printed as JSON. */
async function child(mode: string, root: string) {
  const store = new FsStore(root);
  const t0 = performance.now();
  let rows = 0;
  let problems: number | undefined;
  if (mode === 'baseline') {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(createReadStream(join(root, keys.excel)), {});
    for await (const ws of reader) for await (const row of ws) if (row.number > 1) rows++;
  } else {
    const r = await createValidateExcel({ store, heartbeat: () => undefined })({ book, excelKey: keys.excel, manifestKey: MANIFEST_KEY });
    rows = r.rows;
    problems = r.problemCount;
  }
  const ms = performance.now() - t0;
  const out: ChildResult = { rows, ms, maxRssMB: process.resourceUsage().maxRSS / 1024, problems };
  process.stdout.write(JSON.stringify(out) + '\n');
}

function runChild(mode: string, root: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), fileURLToPath(import.meta.url), '--child', mode, root], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (c) => (out += c));
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${mode} child exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult);
    });
  });
}

async function main() {
  const rows = arg('rows', 50_000);
  const runs = arg('runs', 2);
  const root = await mkdtemp(join(tmpdir(), 'sohoa-bench-excel-'));
  try {
    const store = new FsStore(root);
    const g0 = performance.now();
    const file = await generate(store, rows);
    const genMs = performance.now() - g0;
    console.log(`generated ${rows} rows × ${TEMPLATES.KS.columns.length} columns: ${(file.bytes / 1e6).toFixed(1)} MB in ${(genMs / 1000).toFixed(1)} s`);

    const base: ChildResult[] = [];
    const proj: ChildResult[] = [];
    for (let i = 0; i < runs; i++) {
      base.push(await runChild('baseline', root));
      proj.push(await runChild('project', root));
    }
    const best = (xs: ChildResult[]) => xs.reduce((a, b) => (b.ms < a.ms ? b : a));
    const b = best(base);
    const p = best(proj);
    if (p.rows !== rows || b.rows !== rows) throw new Error(`row counts differ: project ${p.rows}, baseline ${b.rows}, expected ${rows}`);
    if (p.problems !== 0) throw new Error(`the generated workbook should be clean, validateExcel found ${p.problems} problems`);
    const rate = (r: ChildResult) => r.rows / (r.ms / 1000);
    const peak = Math.max(...proj.map((r) => r.maxRssMB));
    const table = [
      { side: 'baseline: exceljs streaming read', rows: b.rows, seconds: +(b.ms / 1000).toFixed(2), rowsPerSec: Math.round(rate(b)), peakRssMB: Math.round(Math.max(...base.map((r) => r.maxRssMB))) },
      { side: 'project: validateExcel (+manifest)', rows: p.rows, seconds: +(p.ms / 1000).toFixed(2), rowsPerSec: Math.round(rate(p)), peakRssMB: Math.round(peak) },
    ];
    console.table(table);
    const ratio = +(rate(p) / rate(b)).toFixed(3);
    console.log(`ratio ${ratio} (target ≥ 0.5), peak RSS ${Math.round(peak)} MB (target < 300), best of ${runs} runs each`);
    console.log(
      JSON.stringify({
        bench: 'excel',
        ratio,
        peakRssMB: Math.round(peak),
        rows,
        rowsPerSec: Math.round(rate(p)),
        baselineRowsPerSec: Math.round(rate(b)),
        baselinePeakRssMB: table[0]!.peakRssMB,
        fileMB: +(file.bytes / 1e6).toFixed(1),
      }),
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const ci = process.argv.indexOf('--child');
if (ci > 0) await child(process.argv[ci + 1]!, process.argv[ci + 2]!);
else await main();
