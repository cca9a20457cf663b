import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExcelActivities } from '../../activities/excel';
import type { Difference } from '../../activities/excel/doubleEntry';
import { artifactKeys } from '../../domain/naming';
import { book } from '../support/fixtures';
import { keysOf, ksRow, loadWorkbook, pdfNamesFor, putManifest, sheetOf, tempStore } from './support';

let env: Awaited<ReturnType<typeof tempStore>>;
beforeAll(async () => {
  env = await tempStore();
});
afterAll(() => env.cleanup());

const KS = keysOf('KS');
const b = book();
const prefix = artifactKeys(b).prefix;
const firstKey = `${prefix}/entries/first.xlsx`;
const secondKey = `${prefix}/entries/second.xlsx`;

// Eight cases typed twice. Differences that normalisation must ignore, and five real ones.
const base = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => ksRow(i));
const first = base.map((r) => ({ ...r }));
const second = base.map((r) => ({ ...r }));
// Ignored: letter case, spaces, decomposed Unicode, date and number shapes.
second[0]!.nksHoTen = 'NGUYỄN VĂN SỐ 1';
second[1]!.noiDangKy = '  UBND   phường Tân Thạnh ';
second[2]!.meHoTen = 'Tra\u0302\u0300n Thi\u0323 Hoa'; // decomposed "Trần Thị"
second[3]!.nksNgaySinh = '4.1.2017';
second[4]!.so = '5';
// Real differences.
second[5]!.nksHoTen = 'Nguyễn Văn Sô 6';
second[6]!.nksGioiTinh = '1';
first[6]!.nksGioiTinh = '2';
second[2]!.nksNgaySinh = '13.01.2017';
second[1]!.chaNgaySinh = '';
const secondRows = second.filter((r) => r.so !== '08'); // case 8 missing in the second entry

const expected: Difference[] = [
  { row: 3, so: '02', column: 'chaNgaySinh', first: '12.05.1988', second: '' },
  { row: 4, so: '03', column: 'nksNgaySinh', first: '03.01.2017', second: '13.01.2017' },
  { row: 7, so: '06', column: 'nksHoTen', first: 'Nguyễn Văn Số 6', second: 'Nguyễn Văn Sô 6' },
  { row: 8, so: '07', column: 'nksGioiTinh', first: '2', second: '1' },
  { row: 9, so: '08', column: '*', first: '08', second: '' },
];
const byRowCol = (a: Difference, c: Difference) => a.row - c.row || a.column.localeCompare(c.column);

describe('double entry', () => {
  beforeAll(async () => {
    await env.store.put(firstKey, await sheetOf(KS, first));
    await env.store.put(secondKey, await sheetOf(KS, secondRows));
  });

  it('finds exactly the seeded differences after normalisation and stores them beside the first entry', async () => {
    const { compareEntries } = createExcelActivities({ store: env.store });
    const out = await compareEntries({ book: b, firstKey, secondKey });
    expect(out.differenceCount).toBe(expected.length);
    expect(out.rows).toEqual({ first: 8, second: 7 });
    expect(out.diffKey).toBe(`${prefix}/entries/first.diff.json`);
    expect([...out.sample].sort(byRowCol)).toEqual(expected);
    const stored = JSON.parse((await env.store.getBuffer(out.diffKey)).toString('utf8')) as { differences: Difference[] };
    expect(stored.differences.sort(byRowCol)).toEqual(expected);
  });

  it('refuses to write a resolved file while a difference is undecided, naming it', async () => {
    const { resolveEntries } = createExcelActivities({ store: env.store });
    const err = await resolveEntries({
      book: b,
      firstKey,
      secondKey,
      resolutions: [{ so: '02', column: 'chaNgaySinh', value: '12.05.1988' }],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect((err as Error).message).toContain('4 khác biệt chưa được quyết định');
    expect((err as Error).message).toContain('số 06 cột nksHoTen ("Nguyễn Văn Số 6" / "Nguyễn Văn Sô 6")');
  });

  it('applies the checker’s choices and writes the resolved workbook that goes on, which validates', async () => {
    const { resolveEntries, validateExcel } = createExcelActivities({ store: env.store });
    const out = await resolveEntries({
      book: b,
      firstKey,
      secondKey,
      resolutions: [
        { so: '02', column: 'chaNgaySinh', value: '12.05.1988' },
        { so: '3', column: 'nksNgaySinh', value: '03.01.2017' },
        { so: '06', column: 'nksHoTen', value: 'Nguyễn Văn Sáu' }, // typed by the checker
        { so: '07', column: 'nksGioiTinh', value: '1' },
        { so: '08', column: '*', value: 'keep' },
      ],
    });
    expect(out.resolvedKey).toBe(artifactKeys(b).excel);
    expect(out.rows).toBe(8);
    expect(out.applied).toBe(5);
    expect(out.sha256).toBe((await env.store.head(out.resolvedKey))!.sha256);

    const ws = (await loadWorkbook(await env.store.getBuffer(out.resolvedKey))).worksheets[0]!;
    const col = (k: string) => KS.indexOf(k) + 1;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(KS);
    expect(ws.getRow(7).getCell(col('nksHoTen')).value).toBe('Nguyễn Văn Sáu');
    expect(ws.getRow(8).getCell(col('nksGioiTinh')).value).toBe('1');
    expect(ws.getRow(3).getCell(col('chaNgaySinh')).value).toBe('12.05.1988');
    expect(ws.getRow(9).getCell(col('so')).value).toBe('08');
    expect(ws.rowCount).toBe(9);

    const manifestKey = await putManifest(env.store, b, pdfNamesFor(b, base));
    const v = await validateExcel({ book: b, excelKey: out.resolvedKey, manifestKey });
    expect(v).toMatchObject({ ok: true, rows: 8, problemCount: 0 });
  });

  it('drops a row only one entry has when the checker says so', async () => {
    const { resolveEntries } = createExcelActivities({ store: env.store });
    const out = await resolveEntries({
      book: b,
      firstKey,
      secondKey,
      resolvedKey: `${prefix}/entries/resolved-drop.xlsx`,
      resolutions: [
        { so: '02', column: 'chaNgaySinh', value: '' },
        { so: '03', column: 'nksNgaySinh', value: '13.01.2017' },
        { so: '06', column: 'nksHoTen', value: 'Nguyễn Văn Sô 6' },
        { so: '07', column: 'nksGioiTinh', value: '2' },
        { so: '08', column: '*', value: 'drop' },
      ],
    });
    expect(out.rows).toBe(7);
    const ws = (await loadWorkbook(await env.store.getBuffer(out.resolvedKey))).worksheets[0]!;
    expect(ws.rowCount).toBe(8);
  });

  it('rejects a second entry on another template', async () => {
    const { compareEntries } = createExcelActivities({ store: env.store });
    const other = `${prefix}/entries/kh.xlsx`;
    await env.store.put(other, await sheetOf(keysOf('KH'), [{ so: '01' }]));
    const err = await compareEntries({ book: b, firstKey, secondKey: other }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as Error).message).toContain('không đúng mẫu KS');
  });
});
