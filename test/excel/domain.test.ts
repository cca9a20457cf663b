import { describe, expect, it } from 'vitest';
import {
  checkHeader,
  excelTypeCodes,
  guessTemplate,
  normalizeForCompare,
  parseDateVi,
  parseQuyenSo,
  rowSchemaFor,
  TEMPLATES,
  type RowIssueParams,
} from '../../domain/excel';

describe('Excel rules (pure)', () => {
  it('parses dd.mm.yyyy and partial dates, refusing impossible ones', () => {
    expect(parseDateVi('29.02.2016')).toEqual({ ok: true, iso: '2016-02-29', year: 2016, precision: 'day' });
    expect(parseDateVi('29.02.2017')).toEqual({ ok: false, reason: 'unreal' });
    expect(parseDateVi('00.01.2017')).toEqual({ ok: false, reason: 'unreal' });
    expect(parseDateVi('13.2017')).toEqual({ ok: false, reason: 'unreal' });
    expect(parseDateVi('02.1975')).toMatchObject({ ok: true, iso: '1975-02', precision: 'month' });
    expect(parseDateVi('1975')).toMatchObject({ ok: true, iso: '1975', precision: 'year' });
    expect(parseDateVi('3.2.2017')).toEqual({ ok: false, reason: 'shape' });
    expect(parseDateVi('03/02/2017')).toEqual({ ok: false, reason: 'shape' });
    expect(parseQuyenSo('1/2017-2018')).toEqual({ bookNo: '01', yearFrom: 2017, yearTo: 2018 });
  });

  it('recognises each template from its own header', () => {
    for (const code of excelTypeCodes) expect(guessTemplate(TEMPLATES[code].columns.map((c) => c.key))?.code).toBe(code);
    expect(checkHeader(TEMPLATES.KS, TEMPLATES.KS.columns.map((c) => c.key), 'KS').problems).toEqual([]);
    // Optional columns of newer versions are accepted anywhere.
    expect(checkHeader(TEMPLATES.KS, ['STT', ...TEMPLATES.KS.columns.map((c) => c.key), 'nksSoDinhDanh'], 'KS').problems).toEqual([]);
  });

  it('gives the row schema issues a code, a Vietnamese and an English message, by column', () => {
    const schema = rowSchemaFor('marriage', 'p2006', { bookNo: '03', yearFrom: 2010, yearTo: 2010 });
    const r = schema.safeParse({ so: '7', quyenSo: '03/2010', ngayDangKy: '05.06.2010', chongHoTen: 'Lê Văn A', voHoTen: '', loaiDangKy: '3' });
    expect(r.success).toBe(false);
    const issues = r.error!.issues.map((i) => ({ path: i.path, message: i.message, code: (i as { params?: RowIssueParams }).params?.code }));
    expect(issues).toEqual([
      { path: ['loaiDangKy'], code: 'badCode', message: '"3" không có trong danh mục loaiDangKy: 1 = Lần đầu; 2 = Đăng ký lại.' },
      { path: ['voHoTen'], code: 'required', message: 'Thiếu Họ, chữ đệm và tên (vợ) (voHoTen).' },
    ]);
    expect(rowSchemaFor('marriage', 'p2006').safeParse({ so: '7', quyenSo: '03/2010', ngayDangKy: '05.06.2010', chongHoTen: 'A', voHoTen: 'B' }).success).toBe(true);
  });

  it('normalises values for double entry only where it is safe', () => {
    const text = { key: 'nksHoTen', kind: 'text' as const };
    const date = { key: 'nksNgaySinh', kind: 'date' as const };
    const code = { key: 'nksGioiTinh', kind: 'code' as const };
    expect(normalizeForCompare(text, '  NGUYỄN   Văn  ')).toBe(normalizeForCompare(text, 'Nguyễn Văn'));
    expect(normalizeForCompare(text, 'Nguyễn')).not.toBe(normalizeForCompare(text, 'Nguyên'));
    expect(normalizeForCompare(date, '3/2/2017')).toBe(normalizeForCompare(date, '03.02.2017'));
    expect(normalizeForCompare(date, '03.02.2017')).not.toBe(normalizeForCompare(date, '02.03.2017'));
    expect(normalizeForCompare(code, '01')).toBe('1');
    expect(normalizeForCompare({ key: 'so', kind: 'text' }, '05/2017')).toBe(normalizeForCompare({ key: 'so', kind: 'text' }, '5/2017'));
  });
});
