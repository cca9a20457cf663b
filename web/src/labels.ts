/** Vietnamese labels: the reference's (what the API and the CLI say), then the page's own. */
import { fromReference } from './reference';

const names = fromReference((r) => {
  const map = (entries: readonly { id: string; label: string }[]) => new Map(entries.map((e) => [e.id, e.label]));
  const units = (entries: readonly { code: string; name: string }[]) => new Map(entries.map((e) => [e.code, e.name]));
  return {
    step: map(r.steps),
    type: map(r.registerTypes),
    typeCode: new Map<string, string>(r.registerTypes.map((t) => [t.id, t.code])),
    role: map(r.roles),
    action: map(r.actions),
    period: map(r.periods),
    level: map(r.levels),
    district: units(r.units.districts),
    agency: units(r.units.agencies),
    province: r.province.name,
  };
});
/** The label of a known id; an unknown one is shown as it is. */
const label = (map: Map<string, string>, id: string | null | undefined) => (id && map.has(id) ? map.get(id)! : (id ?? '—'));
const unitName = (map: Map<string, string>, code: string | null | undefined) => (code ? (map.get(code) ?? code) : '—');

export const stepLabel = (s: string | null | undefined) => label(names().step, s);
export const typeLabel = (t: string | null | undefined) => label(names().type, t);
/** The type's code as in file names and Excel templates ("KS" for birth). */
export const typeCode = (t: string) => names().typeCode.get(t) ?? t;
/** The short label: "Khai sinh" rather than "Sổ đăng ký khai sinh", for charts and tight columns. */
export const typeShort = (t: string | null | undefined) => {
  const full = typeLabel(t);
  const s = full.replace(/^Sổ (đăng ký )?/, '');
  return s.charAt(0).toUpperCase() + s.slice(1);
};
export const roleLabel = (r: string | null | undefined) => label(names().role, r);
export const actionLabel = (a: string) => label(names().action, a);
export const periodLabel = (p: string | null | undefined) => label(names().period, p);
export const levelLabel = (l: string | null | undefined) => label(names().level, l);
export const districtLabel = (code: string | null | undefined) => unitName(names().district, code);
export const agencyLabel = (code: string | null | undefined) => unitName(names().agency, code);
/** The deployment's province, from the reference ("Quảng Nam"): the page names no province itself. */
export const provinceName = () => names().province;

export const PHASE_LABELS_VI: Record<string, string> = {
  work: 'chờ thực hiện',
  processing: 'đang xử lý tự động',
  review: 'chờ duyệt',
  closed: 'đã đóng',
};
export const phaseLabel = (p: string | null | undefined) => (p ? (PHASE_LABELS_VI[p] ?? p) : '—');

export const CONDITION_LABELS_VI = { good: 'Tốt', worn: 'Cũ, sờn', damaged: 'Hư hỏng' } as const;

export const ARTIFACT_LABELS_VI: Record<string, string> = {
  upload: 'Bản quét đã tải lên',
  zip: 'Tệp nén các PDF',
  manifest: 'Bảng kê (manifest)',
  checksums: 'Tổng kiểm tra (sha256)',
  excel: 'Tệp Excel',
  excelAnnotated: 'Excel có đánh dấu lỗi',
  excelProblems: 'Danh sách lỗi Excel',
  c06Batch: 'Lô dữ liệu C06',
  importPackage: 'Gói nhập CSDLHTĐT',
  acceptance: 'Biên bản nghiệm thu',
};

export const COUNT_LABELS_VI: Record<string, string> = {
  inventoryCases: 'Số trường hợp (rà soát)',
  inventoryPages: 'Số trang (rà soát)',
  pdfs: 'Số tệp PDF',
  pages: 'Số trang đã quét',
  bytes: 'Dung lượng bản quét',
  excelRows: 'Số dòng Excel',
  c06Rows: 'Số dòng C06',
  imported: 'Đã nhập CSDLHTĐT',
  importFailed: 'Nhập lỗi',
  manualEntered: 'Đã nhập trực tiếp',
};
