import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookStatusV1 as BookStatus, RegisterSummary } from '../../contracts/v1';
import { eventually, startApi, type ApiHarness, type UserName } from './helpers';

/**
 * The 2025 reorganisation through the API, for Quảng Nam as config/provinces/49.json sets it up:
 * books keep the agency that registered them and are handed over to the units that took them over;
 * who may act, lists, reports and the history follow the holder.
 */
let h: ApiHarness;
const ids: Record<'tanThanh' | 'tanThanh2' | 'tamKy' | 'tayGiang' | 'minhAn', string> = { tanThanh: '', tanThanh2: '', tamKy: '', tayGiang: '', minhAn: '' };

const get = (who: UserName, url: string) => h.call(who, 'GET', url);
const note = (who: UserName, id: string) => h.call(who, 'POST', `/api/registers/${id}/actions/addNote`, { text: `ghi chú của ${who}` });
const status = async (id: string) => (await get('manager', `/api/registers/${id}`)).json() as BookStatus;
const listIds = async (who: UserName, query = '') => ((await get(who, `/api/registers?pageSize=100${query}`)).json().items as RegisterSummary[]).map((b) => b.id).sort();
/** What each person may do with a book: act (a note is taken), read only, or nothing. */
async function reach(id: string, who: UserName[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const w of who) {
    const read = (await get(w, `/api/registers/${id}`)).statusCode;
    const act = (await note(w, id)).statusCode;
    out[w] = act === 200 ? 'act' : read === 200 ? `see (${act})` : `- (${read}/${act})`;
  }
  return out;
}
const PEOPLE: UserName[] = ['clerk', 'otherClerk', 'districtClerk', 'manager', 'manager2025', 'clerk2025'];

beforeAll(async () => {
  h = await startApi();
  const r = await h.call('manager', 'POST', '/api/registers', {
    items: [
      { agencyCode: '20335', type: 'KS', bookNo: '01', yearFrom: 2017 },
      { agencyCode: '20335', type: 'GH', bookNo: '01', yearFrom: 2015 },
      { agencyCode: '502', type: 'KS', bookNo: '01', yearFrom: 2016 },
      { agencyCode: '504', type: 'KS', bookNo: '01', yearFrom: 2016 },
      { agencyCode: '20398', type: 'KS', bookNo: '01', yearFrom: 2018 },
    ],
  });
  const items = r.json().items as Array<{ id: string; result: string }>;
  expect(items.map((i) => i.result)).toEqual(['created', 'created', 'created', 'created', 'created']);
  [ids.tanThanh, ids.tanThanh2, ids.tamKy, ids.tayGiang, ids.minhAn] = items.map((i) => i.id) as [string, string, string, string, string];
  await eventually(() => get('manager', '/api/registers?status=running'), (x) => x.json().items.length === 5);
}, 120_000);
afterAll(async () => h?.close());

describe('books handed over in the 2025 reorganisation', () => {
  it('before the handover: the registering commune, its district and the province act; the 2025 commune that takes it over reads it', async () => {
    expect(await reach(ids.tanThanh, PEOPLE)).toEqual({
      clerk: 'act',
      otherClerk: '- (403/403)',
      districtClerk: 'act',
      manager: 'act',
      manager2025: 'act',
      clerk2025: 'see (403)',
    });
    expect(await listIds('clerk2025')).toEqual([ids.tanThanh, ids.tanThanh2].sort());
    expect((await status(ids.tanThanh)).custodian).toEqual({ key: '20335', name: 'UBND phường Tân Thạnh', level: 'commune', era: 'legacy', scopes: ['20335', 'd:502', 'p:49'] });
  });

  it('a province manager hands books over in bulk, with a reason; a district whose successor the province has not set asks for a decision', async () => {
    const byDistrict = await h.call('districtManager', 'POST', '/api/bulk/changeCustodian?wait=true', { filter: { agency: '20335' }, payload: { reason: 'Bàn giao theo sắp xếp 2025' } });
    expect(byDistrict.json().summary).toMatchObject({ done: 0, refused: 2 });
    expect(byDistrict.json().results[0].reason).toMatch(/chỉ quản lý cấp tỉnh được bàn giao sổ/);

    const r = await h.call('manager', 'POST', '/api/bulk/changeCustodian?wait=true', {
      filter: { agency: '20335,502,504' },
      payload: { to: 'successor', reason: 'Bàn giao theo sắp xếp đơn vị hành chính từ 1/7/2025' },
    });
    expect(r.statusCode).toBe(200);
    const byId = Object.fromEntries((r.json().results as Array<{ id: string }>).map((x) => [x.id, x]));
    expect(r.json().summary).toEqual({ total: 4, done: 3, unchanged: 0, refused: 1 });
    expect(byId[ids.tayGiang]).toMatchObject({ result: 'refused', code: 'NeedsDecision', reason: expect.stringMatching(/tỉnh chưa quy định đơn vị nhận sổ của Huyện Tây Giang: quản lý chọn đơn vị nhận \(to\): n48 Sở Tư pháp thành phố Đà Nẵng; /) });

    const st = await status(ids.tanThanh);
    expect(st.book.agency).toMatchObject({ code: '20335', name: 'UBND phường Tân Thạnh' });
    expect(st.custodian).toMatchObject({ key: 'n20335', name: 'UBND phường Bàn Thạch', era: '2025' });
    expect(st.handovers).toEqual([
      expect.objectContaining({ userId: 'quanly.tinh', from: { key: '20335', name: 'UBND phường Tân Thạnh' }, to: { key: 'n20335', name: 'UBND phường Bàn Thạch' } }),
    ]);
    expect(st.handovers[0]!.reason).toBe('Bàn giao theo sắp xếp đơn vị hành chính từ 1/7/2025 (UBND phường Tân Thạnh nay thuộc UBND phường Bàn Thạch)');
    expect((await status(ids.tamKy)).custodian).toMatchObject({ key: 'n20341', name: 'UBND phường Tam Kỳ' });

    // The change is in the book's history, with who and why.
    const timeline = (await get('auditor', `/api/registers/${ids.tanThanh}/history`)).json();
    const entry = timeline.entries.find((e: { action?: string }) => e.action === 'changeCustodian');
    expect(entry).toMatchObject({ kind: 'action', actor: { userId: 'quanly.tinh' }, payload: { to: { key: 'n20335' }, reason: expect.stringMatching(/^Bàn giao/) } });
  });

  it('after the handover: the 2025 commune acts, the old commune loses the book, the abolished district reads it (the province grants it)', async () => {
    expect(await reach(ids.tanThanh, PEOPLE)).toEqual({
      clerk: '- (403/403)',
      otherClerk: '- (403/403)',
      districtClerk: 'see (403)',
      manager: 'act',
      manager2025: 'act',
      clerk2025: 'act',
    });
    // Lists are one query on SohoaCustody: each person's list follows the holder.
    await eventually(() => listIds('clerk'), (l) => l.length === 0);
    expect(await listIds('clerk2025')).toEqual([ids.tanThanh, ids.tanThanh2].sort());
    expect(await listIds('districtClerk')).toEqual([ids.tanThanh, ids.tanThanh2, ids.tamKy].sort());
    expect(await listIds('manager2025')).toHaveLength(5);
    expect(await listIds('manager', '&custodian=n20335')).toEqual([ids.tanThanh, ids.tanThanh2].sort());
    expect(await listIds('manager', '&custodian=20398')).toEqual([ids.minhAn]);
    const line = ((await get('manager', `/api/registers?custodian=n20341`)).json().items as RegisterSummary[])[0]!;
    expect(line).toMatchObject({ id: ids.tamKy, agencyCode: '502', custodianKey: 'n20341', custodianName: 'UBND phường Tam Kỳ', handedOver: true });
  });

  it('reports group by the units that registered the books or by those that hold them', async () => {
    const byAgency = (await get('manager', '/api/reports/progress?by=agency')).json();
    expect(byAgency.rows.map((r: { key: string; books: number }) => [r.key, r.books])).toEqual([['20335', 2], ['20398', 1], ['502', 1], ['504', 1]]);
    const byHolder = (await get('manager', '/api/reports/progress?by=custodian')).json();
    expect(byHolder.rows.map((r: { key: string; label: string; books: number }) => [r.key, r.label, r.books])).toEqual([
      ['20398', 'UBND phường Minh An', 1],
      ['504', 'Phòng Tư pháp huyện Tây Giang', 1],
      ['n20335', 'UBND phường Bàn Thạch', 2],
      ['n20341', 'UBND phường Tam Kỳ', 1],
    ]);
    const by2025 = (await get('manager', '/api/reports/progress?by=unit2025')).json();
    expect(by2025.rows.map((r: { key: string; books: number }) => [r.key, r.books])).toEqual([['?', 1], ['n20335', 2], ['n20341', 1], ['n20410', 1]]);
  });

  it('a manager chooses the successor the data does not name; handing a book to its holder again changes nothing', async () => {
    const r = await h.call('manager2025', 'POST', `/api/registers/${ids.tayGiang}/actions/changeCustodian`, { to: 'n20455', reason: 'Sổ của Phòng Tư pháp Tây Giang giao xã Tây Giang lưu' });
    expect(r.statusCode).toBe(200);
    expect(r.json().status.custodian).toMatchObject({ key: 'n20455', name: 'UBND xã Tây Giang' });
    const again = await h.call('manager', 'POST', `/api/registers/${ids.tanThanh}/actions/changeCustodian`, { reason: 'lần nữa' });
    expect(again.json()).toEqual({ unchanged: true, message: 'sổ đã do UBND phường Bàn Thạch (đơn vị sau sắp xếp 2025) giữ' });
    const unknown = await h.call('manager', 'POST', `/api/registers/${ids.minhAn}/actions/changeCustodian`, { to: 'n99999', reason: 'thử' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details).toEqual([{ path: 'body.to', message: 'không có trong danh mục' }]);
    const clerk = await h.call('clerk2025', 'POST', `/api/registers/${ids.tanThanh}/actions/changeCustodian`, { to: 'n20341', reason: 'thử' });
    expect(clerk.statusCode).toBe(403);
  });

  it('users of 2025 units are created for the province that took this one over, not for others', async () => {
    expect((await h.usersFile.add({ userId: 'congchuc.hoian', role: 'clerk', scope: 'agency', agencyCode: 'n20410' })).user.agencyCode).toBe('n20410');
    await expect(h.usersFile.add({ userId: 'congchuc.hanoi', role: 'clerk', scope: 'agency', agencyCode: 'n00070' })).rejects.toThrow(/mã đơn vị "n00070" không có trong danh mục/);
    await expect(h.usersFile.add({ userId: 'quanly.khanhhoa', role: 'manager', scope: 'province', agencyCode: 'n56' })).rejects.toThrow(/từ 1\/7\/2025 thuộc n48 Thành phố Đà Nẵng/);
  });
});
