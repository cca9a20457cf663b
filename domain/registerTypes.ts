import { registerTypes, type RegisterType } from '../contracts/v1/values';

export { registerTypes, registerTypeSchema, type RegisterType } from '../contracts/v1/values';

/**
 * The ten register types (sổ hộ tịch). Codes marked "unsure" were not found in public
 * material (see ../shared/domain.md); they are kept here only, so they can be corrected in one place.
 */
export const REGISTER_TYPES = {
  birth: { code: 'KS', nameVi: 'Sổ đăng ký khai sinh', codeSource: 'seen in several tools' },
  marriage: { code: 'KH', nameVi: 'Sổ đăng ký kết hôn', codeSource: 'seen in several tools' },
  death: { code: 'KT', nameVi: 'Sổ đăng ký khai tử', codeSource: 'seen in several tools' },
  adoption: { code: 'NCN', nameVi: 'Sổ đăng ký nuôi con nuôi', codeSource: 'unsure' },
  parentChild: { code: 'CMC', nameVi: 'Sổ đăng ký nhận cha, mẹ, con', codeSource: 'seen in several tools' },
  maritalStatus: { code: 'HN', nameVi: 'Sổ cấp giấy xác nhận tình trạng hôn nhân', codeSource: 'seen in several tools' },
  guardianship: { code: 'GH', nameVi: 'Sổ đăng ký giám hộ', codeSource: 'unsure' },
  guardianshipEnd: { code: 'CDGH', nameVi: 'Sổ đăng ký chấm dứt giám hộ', codeSource: 'unsure' },
  divorceNote: { code: 'LH', nameVi: 'Sổ ghi chú ly hôn', codeSource: 'unsure' },
  change: {
    code: 'TD',
    nameVi: 'Sổ đăng ký thay đổi, cải chính, bổ sung hộ tịch, xác định lại dân tộc',
    codeSource: 'unsure',
  },
} as const satisfies Record<RegisterType, { code: string; nameVi: string; codeSource: string }>;

export type TypeCode = (typeof REGISTER_TYPES)[RegisterType]['code'];

export const typeCodes = registerTypes.map((t) => REGISTER_TYPES[t].code) as TypeCode[];

export function typeCode(type: RegisterType): TypeCode {
  return REGISTER_TYPES[type].code;
}

export function typeFromCode(code: string): RegisterType | undefined {
  return registerTypes.find((t) => REGISTER_TYPES[t].code === code);
}

/** A register type named by its id (`birth`) or its code in any case (`KS`, `ks`). */
export function registerTypeOf(name: string): RegisterType | undefined {
  return registerTypes.find((t) => t === name) ?? typeFromCode(name.toUpperCase());
}
