/**
 * Code lists of the Excel import template, in ONE place so they can be corrected.
 * Source: lists seen in several independent third-party tools around the national software
 * (see ../shared/domain.md, "Code lists"); the official list was not public. Lists marked
 * `source: 'project'` are this project's own (adoption template).
 */
export type CodeSource = 'third-party tools' | 'project';

export interface CodeValue {
  code: string;
  labelVi: string;
}

export interface CodeList {
  id: CodeListId;
  labelVi: string;
  source: CodeSource;
  values: readonly CodeValue[];
}

const list = (labelVi: string, source: CodeSource, values: Record<string, string>) => ({
  labelVi,
  source,
  values: Object.entries(values).map(([code, labelVi]) => ({ code, labelVi })),
});

const RAW = {
  loaiDangKyKS: list('Loại đăng ký khai sinh', 'third-party tools', {
    '1': 'Đúng hạn',
    '2': 'Đăng ký lại',
    '3': 'Ghi vào sổ việc đã đăng ký ở nước ngoài',
    '4': 'Quá hạn',
    '5': 'Cấp bản chính',
    '6': 'Không xác định',
  }),
  loaiDangKyKH: list('Loại đăng ký kết hôn', 'third-party tools', { '1': 'Lần đầu', '2': 'Đăng ký lại' }),
  /** Adoption: the project's own list, in the style of the others. */
  loaiDangKyNCN: list('Loại đăng ký nuôi con nuôi', 'project', {
    '1': 'Đăng ký nuôi con nuôi trong nước',
    '2': 'Đăng ký lại',
    '3': 'Ghi vào sổ việc nuôi con nuôi đã đăng ký ở nước ngoài',
    '4': 'Không xác định',
  }),
  gioiTinh: list('Giới tính', 'third-party tools', { '1': 'Nam', '2': 'Nữ', '3': 'Không xác định' }),
  loaiGiayToTuyThan: list('Loại giấy tờ tùy thân', 'third-party tools', {
    '1': 'Chứng minh nhân dân',
    '2': 'Hộ chiếu',
    '3': 'Thẻ thường trú',
    '4': 'Căn cước công dân',
    '5': 'Chứng minh Quân đội nhân dân',
    '6': 'Chứng minh sĩ quan Quân đội',
    '7': 'Chứng minh Công an nhân dân',
    '8': 'Giấy tờ khác',
  }),
  loaiKhaiSinh: list('Loại khai sinh', 'third-party tools', {
    '1': 'Có cả cha và mẹ',
    '2': 'Chưa xác định được mẹ',
    '3': 'Chưa xác định được cha',
    '4': 'Chưa xác định được cả cha và mẹ',
    '5': 'Trẻ bị bỏ rơi',
  }),
  loaiCuTru: list('Loại cư trú', 'third-party tools', { '0': 'Không có thông tin', '1': 'Thường trú', '2': 'Tạm trú' }),
  loaiXacNhan: list('Loại xác nhận (nhận cha, mẹ, con)', 'third-party tools', {
    '1': 'Cha nhận con',
    '2': 'Mẹ nhận con',
    '3': 'Con nhận cha',
    '4': 'Con nhận mẹ',
  }),
  gbtLoai: list('Loại giấy báo tử', 'third-party tools', {
    '1': 'Giấy báo tử',
    '2': 'Xác nhận thi hành án tử hình',
    '3': 'Bản án tuyên bố chết',
    '4': 'Văn bản của công an hoặc giám định pháp y',
    '5': 'Văn bản của cơ sở y tế',
    '6': 'Biên bản xác nhận việc chết',
    '7': 'Xác nhận của người làm chứng',
  }),
} as const;

export type CodeListId = keyof typeof RAW;

export const CODE_LISTS: { readonly [K in CodeListId]: CodeList } = Object.fromEntries(
  Object.entries(RAW).map(([id, l]) => [id, { id, ...l }]),
) as unknown as { [K in CodeListId]: CodeList };

export const codeListIds = Object.keys(RAW) as CodeListId[];

/** Fast membership sets, built once. */
const CODE_SETS = Object.fromEntries(
  codeListIds.map((id) => [id, new Set(CODE_LISTS[id].values.map((v) => v.code))]),
) as Record<CodeListId, Set<string>>;

export function isCodeIn(id: CodeListId, value: string): boolean {
  return CODE_SETS[id].has(value);
}

/** `1 = Nam; 2 = Nữ; …`, for the guide sheet and messages. */
export function codeListText(id: CodeListId): string {
  return CODE_LISTS[id].values.map((v) => `${v.code} = ${v.labelVi}`).join('; ');
}
