import type { RegisterType, TypeCode } from '../registerTypes';
import { REGISTER_TYPES } from '../registerTypes';
import type { CodeListId } from './codes';

/**
 * Column lists of the Excel import template, per register type, in ONE place.
 * Source (KS, KH, KT, HN, CMC): the column lists of several independent third-party tools around the
 * national software, which agree with each other (../shared/domain.md, "Excel import template");
 * the official template was not public. Order is the tools' order (KH puts ngayXacLapQuanHeHonNhan
 * after chucVuNguoiKy, as they do). NCN (adoption) is the PROJECT'S OWN design in the same style.
 * Row 1 of a workbook holds these keys; data starts on row 2.
 */
export type ColumnKind = 'text' | 'date' | 'code' | 'int';
export type TemplateSource = 'third-party tools' | 'project';

export interface ColumnSpec {
  key: string;
  labelVi: string;
  kind: ColumnKind;
  codeList?: CodeListId;
  required?: boolean;
  /**
   * Dates only. 'period': partial `mm.yyyy`/`yyyy` allowed only in old books (pre1976, p1976);
   * 'always': partial allowed in any book (e.g. a parent's birth date, often known by year only).
   */
  partial?: 'period' | 'always';
}

export interface TemplateSpec {
  typeCode: TypeCode;
  type: RegisterType;
  nameVi: string;
  source: TemplateSource;
  /** Name of the data sheet in the templates we build (any first sheet is read). */
  sheetName: string;
  columns: readonly ColumnSpec[];
  /** Columns some newer versions add; accepted anywhere, never required. */
  optionalColumns: readonly ColumnSpec[];
  /** Key of the column holding the subject's name (used in messages and double entry). */
  nameKey: string;
}

export const GUIDE_SHEET_NAME = 'Hướng dẫn';
export const DATE_FORMAT_VI = 'dd.mm.yyyy';

// ---------------------------------------------------------------------------------------------
// Labels: fixed keys, then person blocks `{prefix}{Suffix}` whose label is "{suffix label} ({person})".

const FIXED: Record<string, Omit<ColumnSpec, 'key'>> = {
  STT: { labelVi: 'Số thứ tự', kind: 'int' },
  so: { labelVi: 'Số đăng ký (ví dụ 05 hoặc 05/2017)', kind: 'text', required: true },
  quyenSo: { labelVi: 'Quyển số (ví dụ 01/2017)', kind: 'text', required: true },
  trangSo: { labelVi: 'Trang số', kind: 'text' },
  quyetDinhSo: { labelVi: 'Số quyết định', kind: 'text' },
  ngayDangKy: { labelVi: 'Ngày đăng ký', kind: 'date', required: true, partial: 'period' },
  loaiDangKy: { labelVi: 'Loại đăng ký', kind: 'int' },
  loaiXacNhan: { labelVi: 'Loại xác nhận', kind: 'code', codeList: 'loaiXacNhan' },
  noiDangKy: { labelVi: 'Nơi đăng ký', kind: 'text' },
  noiCap: { labelVi: 'Nơi cấp', kind: 'text' },
  nguoiKy: { labelVi: 'Người ký', kind: 'text' },
  chucVuNguoiKy: { labelVi: 'Chức vụ người ký', kind: 'text' },
  nguoiThucHien: { labelVi: 'Người thực hiện', kind: 'text' },
  ghiChu: { labelVi: 'Ghi chú', kind: 'text' },
  ngayXacLapQuanHeHonNhan: { labelVi: 'Ngày xác lập quan hệ hôn nhân', kind: 'date', partial: 'period' },
  tinhTrangKetHon: { labelVi: 'Tình trạng kết hôn', kind: 'int' },
  huyKetHonNgayGhiChu: { labelVi: 'Ngày ghi chú hủy kết hôn', kind: 'date', partial: 'period' },
  huyKetHonCanCu: { labelVi: 'Căn cứ hủy kết hôn', kind: 'text' },
  congNhanKetHonNgayGhiChu: { labelVi: 'Ngày ghi chú công nhận kết hôn', kind: 'date', partial: 'period' },
  congNhanKetHonCanCu: { labelVi: 'Căn cứ công nhận kết hôn', kind: 'text' },
  gbtLoai: { labelVi: 'Loại giấy báo tử', kind: 'code', codeList: 'gbtLoai' },
  gbtSo: { labelVi: 'Số giấy báo tử', kind: 'text' },
  gbtNgay: { labelVi: 'Ngày cấp giấy báo tử', kind: 'date', partial: 'period' },
  gbtCoQuanCap: { labelVi: 'Cơ quan cấp giấy báo tử', kind: 'text' },
  nycQuanHe: { labelVi: 'Quan hệ của người yêu cầu với người được đăng ký', kind: 'text' },
  nycQHNguoiDuocNhan: { labelVi: 'Quan hệ của người yêu cầu với người được nhận', kind: 'text' },
  nycQHNguoiNhan: { labelVi: 'Quan hệ của người yêu cầu với người nhận', kind: 'text' },
  soDangKyNuocNgoai: { labelVi: 'Số đăng ký ở nước ngoài', kind: 'text' },
  ngayDangKyNuocNgoai: { labelVi: 'Ngày đăng ký ở nước ngoài', kind: 'date', partial: 'period' },
  cqNuocNgoaiDaDangKy: { labelVi: 'Cơ quan nước ngoài đã đăng ký', kind: 'text' },
  qgNuocNgoaiDaDangKy: { labelVi: 'Quốc gia nơi đã đăng ký', kind: 'text' },
  // Adoption decision fields (project's own).
  ngayQuyetDinh: { labelVi: 'Ngày quyết định', kind: 'date', partial: 'period' },
  coQuanQuyetDinh: { labelVi: 'Cơ quan ra quyết định', kind: 'text' },
  chamDutNgayGhiChu: { labelVi: 'Ngày ghi chú chấm dứt nuôi con nuôi', kind: 'date', partial: 'period' },
  chamDutCanCu: { labelVi: 'Căn cứ chấm dứt nuôi con nuôi', kind: 'text' },
};

const PERSONS: Record<string, string> = {
  nks: 'người được khai sinh',
  me: 'mẹ',
  cha: 'cha',
  nyc: 'người yêu cầu',
  chong: 'chồng',
  vo: 'vợ',
  nkt: 'người chết',
  nxn: 'người được xác nhận',
  cm: 'cha/mẹ',
  nc: 'con',
  chaNuoi: 'cha nuôi',
  meNuoi: 'mẹ nuôi',
  conNuoi: 'con nuôi',
};

/** The person whose birth date follows the period rule; others may be partial in any book. */
const SUBJECTS = new Set(['nks', 'conNuoi']);

const SUFFIX: Record<string, Omit<ColumnSpec, 'key'>> = {
  HoTen: { labelVi: 'Họ, chữ đệm và tên', kind: 'text' },
  GioiTinh: { labelVi: 'Giới tính', kind: 'code', codeList: 'gioiTinh' },
  NgaySinh: { labelVi: 'Ngày, tháng, năm sinh', kind: 'date', partial: 'always' },
  NgaySinhBangChu: { labelVi: 'Ngày sinh ghi bằng chữ', kind: 'text' },
  NoiSinh: { labelVi: 'Nơi sinh', kind: 'text' },
  NoiSinhDVHC: { labelVi: 'Nơi sinh (đơn vị hành chính)', kind: 'text' },
  QueQuan: { labelVi: 'Quê quán', kind: 'text' },
  DanToc: { labelVi: 'Dân tộc (tên, ví dụ Kinh)', kind: 'text' },
  QuocTich: { labelVi: 'Quốc tịch (tên, ví dụ Việt Nam)', kind: 'text' },
  QuocTichKhac: { labelVi: 'Quốc tịch khác', kind: 'text' },
  LoaiKhaiSinh: { labelVi: 'Loại khai sinh', kind: 'code', codeList: 'loaiKhaiSinh' },
  LoaiCuTru: { labelVi: 'Loại cư trú', kind: 'code', codeList: 'loaiCuTru' },
  NoiCuTru: { labelVi: 'Nơi cư trú', kind: 'text' },
  LoaiGiayToTuyThan: { labelVi: 'Loại giấy tờ tùy thân', kind: 'code', codeList: 'loaiGiayToTuyThan' },
  GiayToKhac: { labelVi: 'Giấy tờ tùy thân khác', kind: 'text' },
  SoGiayToTuyThan: { labelVi: 'Số giấy tờ tùy thân', kind: 'text' },
  NgayCapGiayToTuyThan: { labelVi: 'Ngày cấp giấy tờ tùy thân', kind: 'date', partial: 'always' },
  NoiCapGiayToTuyThan: { labelVi: 'Nơi cấp giấy tờ tùy thân', kind: 'text' },
  SoDinhDanh: { labelVi: 'Số định danh cá nhân', kind: 'text' },
  SoDinhDanhCaNhan: { labelVi: 'Số định danh cá nhân', kind: 'text' },
  MatTich: { labelVi: 'Mất tích', kind: 'int' },
  MatTichNgayGhiChuTuyenBo: { labelVi: 'Ngày ghi chú tuyên bố mất tích', kind: 'date', partial: 'period' },
  MatTichCanCuTuyenBo: { labelVi: 'Căn cứ tuyên bố mất tích', kind: 'text' },
  MatTichNgayGhiChuHuyTuyenBo: { labelVi: 'Ngày ghi chú hủy tuyên bố mất tích', kind: 'date', partial: 'period' },
  MatTichCanCuHuyTuyenBo: { labelVi: 'Căn cứ hủy tuyên bố mất tích', kind: 'text' },
  HanCheNangLucHanhVi: { labelVi: 'Hạn chế năng lực hành vi', kind: 'int' },
  HanCheNangLucHanhViNgayGhiChuTuyenBo: { labelVi: 'Ngày ghi chú tuyên bố hạn chế năng lực hành vi', kind: 'date', partial: 'period' },
  HanCheNangLucHanhViCanCuTuyenBo: { labelVi: 'Căn cứ tuyên bố hạn chế năng lực hành vi', kind: 'text' },
  HanCheNangLucHanhViNgayGhiChuHuyTuyenBo: { labelVi: 'Ngày ghi chú hủy tuyên bố hạn chế năng lực hành vi', kind: 'date', partial: 'period' },
  // Spelling as in the tools' lists ("Ngay" although the field holds a basis, not a date).
  HanCheNangLucHanhViNgayCanCuHuyTuyenBo: { labelVi: 'Căn cứ hủy tuyên bố hạn chế năng lực hành vi', kind: 'text' },
  NgayChet: { labelVi: 'Ngày chết', kind: 'date', partial: 'period' },
  NgayChetGhiBangChu: { labelVi: 'Ngày chết ghi bằng chữ', kind: 'text' },
  GioPhutChet: { labelVi: 'Giờ, phút chết', kind: 'text' },
  NoiChet: { labelVi: 'Nơi chết', kind: 'text' },
  NguyenNhanChet: { labelVi: 'Nguyên nhân chết', kind: 'text' },
  TinhTrangTuyenBoViecChet: { labelVi: 'Tình trạng tuyên bố việc chết', kind: 'int' },
  NgayGhiChuTuyenBoViecChet: { labelVi: 'Ngày ghi chú tuyên bố việc chết', kind: 'date', partial: 'period' },
  CanCuTuyenBoViecChet: { labelVi: 'Căn cứ tuyên bố việc chết', kind: 'text' },
  NgayGhiChuHuyTuyenBoViecChet: { labelVi: 'Ngày ghi chú hủy tuyên bố việc chết', kind: 'date', partial: 'period' },
  CanCuHuyTuyenBoViecChet: { labelVi: 'Căn cứ hủy tuyên bố việc chết', kind: 'text' },
  ThoiGianCuTruTai: { labelVi: 'Nơi cư trú trong thời gian xác nhận', kind: 'text' },
  ThoiGianCuTruTu: { labelVi: 'Cư trú từ ngày', kind: 'date', partial: 'always' },
  ThoiGianCuTruDen: { labelVi: 'Cư trú đến ngày', kind: 'date', partial: 'always' },
  TinhTrangHonNhan: { labelVi: 'Tình trạng hôn nhân', kind: 'text' },
  LoaiMucDichSuDung: { labelVi: 'Loại mục đích sử dụng', kind: 'int' },
  MucDichSuDung: { labelVi: 'Mục đích sử dụng', kind: 'text' },
};

const PREFIXES = Object.keys(PERSONS).sort((a, b) => b.length - a.length);

/** Spec of a key: fixed keys first, then `{person}{Suffix}`. */
function spec(key: string, over: Partial<ColumnSpec> = {}): ColumnSpec {
  const fixed = FIXED[key];
  if (fixed) return { key, ...fixed, ...over };
  for (const p of PREFIXES) {
    if (!key.startsWith(p)) continue;
    const suffix = key.slice(p.length);
    const s = SUFFIX[suffix];
    if (!s) continue;
    const partial = s.kind === 'date' && suffix === 'NgaySinh' && SUBJECTS.has(p) ? 'period' : s.partial;
    return { key, ...s, labelVi: `${s.labelVi} (${PERSONS[p]})`, ...(partial ? { partial } : {}), ...over };
  }
  throw new Error(`column ${key} has no label`);
}

const cols = (keys: string, over: Record<string, Partial<ColumnSpec>> = {}): ColumnSpec[] =>
  keys
    .trim()
    .split(/\s+/)
    .map((k) => spec(k, over[k]));

const NYC7 = 'nycHoTen nycQuanHe nycLoaiGiayToTuyThan nycGiayToKhac nycSoGiayToTuyThan nycNgayCapGiayToTuyThan nycNoiCapGiayToTuyThan';
const FOREIGN4 = 'soDangKyNuocNgoai ngayDangKyNuocNgoai cqNuocNgoaiDaDangKy qgNuocNgoaiDaDangKy';
const person = (p: string, suffixes: string) =>
  suffixes
    .trim()
    .split(/\s+/)
    .map((s) => p + s)
    .join(' ');
const CMC_PERSON =
  'HoTen NgaySinh DanToc QuocTich QuocTichKhac QueQuan LoaiCuTru NoiCuTru LoaiGiayToTuyThan GiayToKhac SoGiayToTuyThan NgayCapGiayToTuyThan NoiCapGiayToTuyThan';
const KH_PERSON =
  'HoTen NgaySinh DanToc QuocTich QuocTichKhac LoaiCuTru NoiCuTru LoaiGiayToTuyThan GiayToKhac SoGiayToTuyThan NgayCapGiayToTuyThan NoiCapGiayToTuyThan';
const req = { required: true };

const KS = cols(
  `so quyenSo trangSo ngayDangKy loaiDangKy noiDangKy nguoiKy chucVuNguoiKy nguoiThucHien ghiChu
   nksHoTen nksGioiTinh nksNgaySinh nksNgaySinhBangChu nksNoiSinh nksNoiSinhDVHC nksQueQuan nksDanToc nksQuocTich
   nksQuocTichKhac nksLoaiKhaiSinh nksMatTich nksMatTichNgayGhiChuTuyenBo nksMatTichCanCuTuyenBo
   nksMatTichNgayGhiChuHuyTuyenBo nksMatTichCanCuHuyTuyenBo nksHanCheNangLucHanhVi
   nksHanCheNangLucHanhViNgayGhiChuTuyenBo nksHanCheNangLucHanhViCanCuTuyenBo
   nksHanCheNangLucHanhViNgayGhiChuHuyTuyenBo nksHanCheNangLucHanhViNgayCanCuHuyTuyenBo
   meHoTen meNgaySinh meDanToc meQuocTich meQuocTichKhac meLoaiCuTru meNoiCuTru meLoaiGiayToTuyThan meSoGiayToTuyThan
   chaHoTen chaNgaySinh chaDanToc chaQuocTich chaQuocTichKhac chaLoaiCuTru chaNoiCuTru chaLoaiGiayToTuyThan chaSoGiayToTuyThan
   ${NYC7} ${FOREIGN4}`,
  {
    loaiDangKy: { kind: 'code', codeList: 'loaiDangKyKS' },
    nksHoTen: req,
    nksGioiTinh: req,
    nksNgaySinh: req,
  },
);

const KH = cols(
  `so quyenSo trangSo ngayDangKy loaiDangKy noiDangKy nguoiKy chucVuNguoiKy ngayXacLapQuanHeHonNhan nguoiThucHien ghiChu
   tinhTrangKetHon huyKetHonNgayGhiChu huyKetHonCanCu congNhanKetHonNgayGhiChu congNhanKetHonCanCu
   ${person('chong', KH_PERSON)} ${person('vo', KH_PERSON)} ${FOREIGN4}`,
  { loaiDangKy: { kind: 'code', codeList: 'loaiDangKyKH' }, chongHoTen: req, voHoTen: req },
);

const KT = cols(
  `so quyenSo trangSo ngayDangKy loaiDangKy noiDangKy nguoiKy chucVuNguoiKy nguoiThucHien ghiChu
   nktHoTen nktGioiTinh nktNgaySinh nktDanToc nktQuocTich nktQuocTichKhac nktLoaiCuTru nktNoiCuTru
   nktLoaiGiayToTuyThan nktGiayToKhac nktSoGiayToTuyThan nktNgayCapGiayToTuyThan nktNoiCapGiayToTuyThan
   nktNgayChet nktNgayChetGhiBangChu nktGioPhutChet nktNoiChet nktNguyenNhanChet
   nktTinhTrangTuyenBoViecChet nktNgayGhiChuTuyenBoViecChet nktCanCuTuyenBoViecChet
   nktNgayGhiChuHuyTuyenBoViecChet nktCanCuHuyTuyenBoViecChet gbtLoai gbtSo gbtNgay gbtCoQuanCap
   ${NYC7} ${FOREIGN4}`,
  { nktHoTen: req, nktNgayChet: req },
);

const HN = cols(
  `so quyenSo trangSo ngayDangKy noiCap nguoiKy chucVuNguoiKy nguoiThucHien ghiChu
   nxnHoTen nxnGioiTinh nxnNgaySinh nxnDanToc nxnQuocTich nxnQuocTichKhac nxnLoaiCuTru nxnNoiCuTru
   nxnLoaiGiayToTuyThan nxnGiayToKhac nxnSoGiayToTuyThan nxnNgayCapGiayToTuyThan nxnNoiCapGiayToTuyThan
   nxnThoiGianCuTruTai nxnThoiGianCuTruTu nxnThoiGianCuTruDen nxnTinhTrangHonNhan nxnLoaiMucDichSuDung nxnMucDichSuDung
   ${NYC7}`,
  { nxnHoTen: req },
);

const CMC = cols(
  `so quyenSo trangSo quyetDinhSo ngayDangKy loaiDangKy loaiXacNhan noiDangKy nguoiKy chucVuNguoiKy nguoiThucHien ghiChu
   ${person('cm', CMC_PERSON)} ${person('nc', CMC_PERSON)}
   nycHoTen nycQHNguoiDuocNhan nycQHNguoiNhan nycLoaiGiayToTuyThan nycGiayToKhac nycSoGiayToTuyThan
   nycNgayCapGiayToTuyThan nycNoiCapGiayToTuyThan ${FOREIGN4}`,
  { cmHoTen: req, ncHoTen: req, loaiXacNhan: req },
);

/** Adoption: the PROJECT'S OWN template (no public column list): common + adopters + adoptee + decision. */
const ADOPTER = 'HoTen NgaySinh DanToc QuocTich QuocTichKhac LoaiCuTru NoiCuTru LoaiGiayToTuyThan SoGiayToTuyThan NgayCapGiayToTuyThan NoiCapGiayToTuyThan';
const NCN = cols(
  `so quyenSo trangSo ngayDangKy loaiDangKy noiDangKy nguoiKy chucVuNguoiKy nguoiThucHien ghiChu
   quyetDinhSo ngayQuyetDinh coQuanQuyetDinh
   ${person('chaNuoi', ADOPTER)} ${person('meNuoi', ADOPTER)}
   conNuoiHoTen conNuoiGioiTinh conNuoiNgaySinh conNuoiNoiSinh conNuoiQueQuan conNuoiDanToc conNuoiQuocTich
   conNuoiLoaiCuTru conNuoiNoiCuTru conNuoiSoDinhDanhCaNhan
   chamDutNgayGhiChu chamDutCanCu ${NYC7} ${FOREIGN4}`,
  { loaiDangKy: { kind: 'code', codeList: 'loaiDangKyNCN' }, conNuoiHoTen: req, conNuoiNgaySinh: req },
);

const template = (
  typeCode: TypeCode,
  type: RegisterType,
  source: TemplateSource,
  columns: ColumnSpec[],
  nameKey: string,
  optional: string[] = [],
): TemplateSpec => ({
  typeCode,
  type,
  nameVi: REGISTER_TYPES[type].nameVi,
  source,
  sheetName: typeCode,
  columns,
  optionalColumns: optional.map((k) => spec(k)),
  nameKey,
});

/** The templates by type code. Types without an Excel step (GH, CDGH, LH, TD) have none. */
export const TEMPLATES = {
  KS: template('KS', 'birth', 'third-party tools', KS, 'nksHoTen', ['STT', 'nksSoDinhDanh', 'meSoDinhDanhCaNhan', 'chaSoDinhDanhCaNhan']),
  KH: template('KH', 'marriage', 'third-party tools', KH, 'chongHoTen', ['STT']),
  KT: template('KT', 'death', 'third-party tools', KT, 'nktHoTen', ['STT']),
  HN: template('HN', 'maritalStatus', 'third-party tools', HN, 'nxnHoTen', ['STT']),
  CMC: template('CMC', 'parentChild', 'third-party tools', CMC, 'ncHoTen', ['STT']),
  NCN: template('NCN', 'adoption', 'project', NCN, 'conNuoiHoTen', ['STT']),
} as const satisfies Record<string, TemplateSpec>;

export type ExcelTypeCode = keyof typeof TEMPLATES;
export const excelTypeCodes = Object.keys(TEMPLATES) as ExcelTypeCode[];

export function hasTemplate(code: string): code is ExcelTypeCode {
  return code in TEMPLATES;
}

/** The template of a register type (or type code); throws for types without an Excel step. */
export function templateFor(typeOrCode: RegisterType | TypeCode): TemplateSpec {
  const code = typeOrCode in REGISTER_TYPES ? REGISTER_TYPES[typeOrCode as RegisterType].code : typeOrCode;
  if (!hasTemplate(code)) throw new Error(`loại sổ ${code} không có mẫu Excel`);
  return TEMPLATES[code];
}

/** Date columns where the kind is 'date', by key, for a template. */
export function columnByKey(t: TemplateSpec): Map<string, ColumnSpec> {
  return new Map([...t.columns, ...t.optionalColumns].map((c) => [c.key, c]));
}
