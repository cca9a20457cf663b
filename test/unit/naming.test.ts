import { describe, expect, it } from 'vitest';
import { artifactKeys, excelName, parsePdfName, pdfName, zipName, type PdfNameParts } from '../../domain/naming';
import { book } from '../support/fixtures';

describe('file naming', () => {
  it('formats the convention seen in the tools', () => {
    expect(pdfName({ type: 'birth', yearFrom: 2017, yearTo: 2017, bookNo: '01', registrationDate: '2017-02-03', caseNo: 5 })).toBe(
      'KS.2017.01.2017-02-03.05.pdf',
    );
  });

  const samples: PdfNameParts[] = [
    { type: 'birth', yearFrom: 2017, yearTo: 2017, bookNo: '01', registrationDate: '2017-02-03', caseNo: 5 },
    { type: 'marriage', yearFrom: 1998, yearTo: 1999, bookNo: '12A', registrationDate: '1999-12', caseNo: 120 },
    { type: 'guardianshipEnd', yearFrom: 1974, yearTo: 1974, bookNo: '03', registrationDate: '1974', caseNo: 1 },
    { type: 'change', yearFrom: 2010, yearTo: 2012, bookNo: '1234', registrationDate: '2012-02-29', caseNo: 9999 },
  ];
  it.each(samples)('parse ∘ format is the identity: %o', (p) => {
    const r = parsePdfName(pdfName(p));
    expect(r).toEqual({ ok: true, value: p });
  });

  it.each([
    ['KS.2017.01.2017-02-30.05.pdf', /không có thật/],
    ['XX.2017.01.2017-02-03.05.pdf', /mã loại sổ "XX"/],
    ['KS.2017.01.05.pdf', /không đúng mẫu/],
    ['KS.2018-2017.01.2017-02-03.05.pdf', /năm cuối/],
    ['scan 01.jpg', /không đúng mẫu/],
  ])('rejects %s with a clear message', (name, msg) => {
    const r = parsePdfName(name);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(msg);
  });

  it('names zip, Excel and storage keys from the book', () => {
    const b = book({ type: 'death', bookNo: '2', yearFrom: 2005, yearTo: 2006 });
    expect(zipName(b)).toBe('KT.2005-2006.02.zip');
    expect(excelName(b)).toBe('KT.2005-2006.02.xlsx');
    expect(artifactKeys(b).zip).toBe('books/20335/KT.2005-2006.02/KT.2005-2006.02.zip');
  });
});
