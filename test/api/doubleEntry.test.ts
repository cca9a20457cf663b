import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Book } from '../../domain/book';
import { sampleExcel } from '../../clients/samples';
import { waitForStatus } from '../support/temporal';
import { CASES, driveTo, freshBook } from './drive';
import { startApi, type ApiHarness } from './helpers';
import { multipart } from './multipart';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
});
afterAll(async () => h?.close());

/** A second transcription that differs from the first in two fields of two rows. */
async function secondEntry(b: Book): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await sampleExcel(b, CASES)) as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const header = (ws.getRow(1).values as string[]).slice(1);
  const col = (key: string) => header.indexOf(key) + 1;
  ws.getRow(3).getCell(col('nksHoTen')).value = 'Trần Thi Binh';
  ws.getRow(2).getCell(col('meHoTen')).value = 'Nguyễn Thị Lan';
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function upload(id: string, data: Buffer, name: string): Promise<string> {
  const { payload, headers } = multipart([{ filename: name, data }]);
  const r = await h.call('contractor', 'PUT', `/api/registers/${id}/excel?submit=false`, payload, headers);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().excelKey as string;
}

describe('double entry', () => {
  it('two transcriptions are compared field by field; the checker’s resolution is the file that goes on', async () => {
    const b = freshBook('birth', '502');
    const id = await driveTo(h, b, 'dataWork');
    const firstKey = await upload(id, await sampleExcel(b, CASES), 'lan1.xlsx');
    const secondKey = await upload(id, await secondEntry(b), 'lan2.xlsx');

    const cmp = await h.call('contractor', 'POST', `/api/registers/${id}/excel/compare`, { firstKey, secondKey });
    expect(cmp.statusCode, cmp.body).toBe(200);
    const diffs = cmp.json().differences as { so: string; column: string; first: string; second: string }[];
    expect(cmp.json().differenceCount).toBe(2);
    expect(diffs.map((d) => d.column).sort()).toEqual(['meHoTen', 'nksHoTen']);

    // An undecided difference is refused, naming it; nothing goes on.
    const partial = await h.call('districtClerk', 'POST', `/api/registers/${id}/excel/resolve`, { firstKey, secondKey, resolutions: [{ ...diffs[0]!, value: diffs[0]!.first }] });
    expect(partial.statusCode).toBe(400);
    expect(partial.json().message).toMatch(/chưa|quyết/i);

    const resolutions = diffs.map((d) => ({ so: d.so, column: d.column, value: d.column === 'nksHoTen' ? d.first : d.second }));
    const res = await h.call('districtClerk', 'POST', `/api/registers/${id}/excel/resolve`, { firstKey, secondKey, resolutions });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ rows: CASES, applied: 2, action: { unchanged: false } });
    const st = await waitForStatus(h.env.client, id, (s) => s.phase === 'review');
    expect(st.artifacts.find((a) => a.kind === 'excel')?.key).toBe(res.json().resolvedKey);
    expect(st.counts.excelRows).toBe(CASES);
  });

  it('keys outside the book are refused, and a clerk of another agency cannot compare', async () => {
    const b = freshBook('birth', '502');
    const id = await driveTo(h, b, 'dataWork');
    const r = await h.call('contractor', 'POST', `/api/registers/${id}/excel/compare`, { firstKey: 'books/20398/x.xlsx', secondKey: 'books/20398/y.xlsx' });
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toMatch(/firstKey/);
    expect((await h.call('otherClerk', 'POST', `/api/registers/${id}/excel/compare`, { firstKey: 'a', secondKey: 'b' })).statusCode).toBe(403);
  });
});
