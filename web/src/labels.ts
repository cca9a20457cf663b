/** Vietnamese labels, all from domain/ so the page says what the API and the CLI say. */
import { ACTION_LABELS_VI, type ActionName } from '../../domain/actions';
import { ROLE_LABELS_VI, type Role } from '../../domain/actors';
import { AGENCY_LEVEL_LABELS_VI, type AgencyLevel } from '../../domain/agencies';
import { districtName, findAgency } from '../../domain/data/quangNam';
import { PERIODS } from '../../domain/periods';
import { STEP_LABELS_VI, type Step } from '../../domain/plan';
import { REGISTER_TYPES, type RegisterType } from '../../domain/registerTypes';

export { ACTION_LABELS_VI, ROLE_LABELS_VI, STEP_LABELS_VI, AGENCY_LEVEL_LABELS_VI, PERIODS, REGISTER_TYPES };

export const stepLabel = (s: string | null | undefined) => (s && s in STEP_LABELS_VI ? STEP_LABELS_VI[s as Step] : (s ?? '—'));
export const typeLabel = (t: string | null | undefined) => (t && t in REGISTER_TYPES ? REGISTER_TYPES[t as RegisterType].nameVi : (t ?? '—'));
/** The short label: "Khai sinh" rather than "Sổ đăng ký khai sinh", for charts and tight columns. */
export const typeShort = (t: string | null | undefined) => {
  const full = typeLabel(t);
  const s = full.replace(/^Sổ (đăng ký )?/, '');
  return s.charAt(0).toUpperCase() + s.slice(1);
};
export const roleLabel = (r: string | null | undefined) => (r && r in ROLE_LABELS_VI ? ROLE_LABELS_VI[r as Role] : (r ?? '—'));
export const actionLabel = (a: string) => (a in ACTION_LABELS_VI ? ACTION_LABELS_VI[a as ActionName] : a);
export const periodLabel = (p: string | null | undefined) => PERIODS.find((x) => x.id === p)?.nameVi ?? p ?? '—';
export const levelLabel = (l: string | null | undefined) => (l && l in AGENCY_LEVEL_LABELS_VI ? AGENCY_LEVEL_LABELS_VI[l as AgencyLevel] : (l ?? '—'));
export const districtLabel = (code: string | null | undefined) => (code ? districtName(code) : '—');
export const agencyLabel = (code: string | null | undefined) => (code ? (findAgency(code)?.name ?? code) : '—');

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
