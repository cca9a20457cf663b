import { describe, expect, it } from 'vitest';
import { bookSchema, parseWorkflowId, workflowIdFor } from '../../domain/book';
import { describeIssues, parseCommand } from '../../domain/bookState';
import { loadConfig } from '../../clients/config';
import { agency, book } from '../support/fixtures';

describe('input schemas reject bad input with messages that name the field', () => {
  const base = { agency: agency('20335'), type: 'birth', bookNo: '01', yearFrom: 2017, yearTo: 2017 };
  const messageOf = (input: unknown) => {
    const r = bookSchema.safeParse(input);
    return r.success ? 'ok' : describeIssues(r.error);
  };

  it('accepts a good book and pads its number', () => {
    expect(bookSchema.parse({ ...base, bookNo: '7' }).bookNo).toBe('07');
  });
  it.each([
    [{ ...base, type: 'passport' }, /^type:/],
    [{ ...base, bookNo: '01/2017' }, /^bookNo: số quyển/],
    [{ ...base, yearFrom: 2021, yearTo: 2021 }, /yearFrom: đề án chỉ gồm sổ đến năm 2019/],
    [{ ...base, yearFrom: 2018, yearTo: 2017 }, /yearTo: yearTo phải không nhỏ hơn yearFrom/],
    [{ ...base, agency: { ...base.agency, code: 'abc' } }, /agency\.code: mã đơn vị/],
  ])('%#', (input, msg) => expect(messageOf(input)).toMatch(msg));

  it('action payloads name the field', () => {
    const r = parseCommand('confirmInventory', { cases: 1.5, pages: 0, condition: 'new' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.refusal.code).toBe('InvalidPayload');
      expect(r.refusal.message).toMatch(/cases: phải là số nguyên/);
      expect(r.refusal.message).toMatch(/pages: sổ phải có ít nhất 1 trang/);
      expect(r.refusal.message).toMatch(/condition:/);
    }
    const d = parseCommand('extendDeadline', { deadline: '12/3/2025', reason: 'x' });
    expect(!d.ok && d.refusal.message).toMatch(/deadline: phải là thời điểm ISO 8601/);
  });

  it('the workflow id is the contract’s and parses back', () => {
    const id = workflowIdFor(book({ type: 'marriage', bookNo: '3', yearFrom: 1999, yearTo: 2000 }));
    expect(id).toBe('reg-20335-KH-03-1999');
    expect(parseWorkflowId(id)).toEqual({ agencyCode: '20335', typeCode: 'KH', bookNo: '03', yearFrom: 1999 });
  });

  it('a bad config value names the variable', () => {
    expect(() => loadConfig({ API_PORT: 'abc' })).toThrow(/API_PORT/);
    expect(() => loadConfig({ SOHOA_PLAN_DEADLINE: '2025-03-12' })).toThrow(/SOHOA_PLAN_DEADLINE/);
    expect(() => loadConfig({ SOHOA_REMINDER_DAYS: '30,x' })).toThrow(/SOHOA_REMINDER_DAYS/);
    expect(loadConfig({}).SOHOA_PLAN_DEADLINE).toBe('2025-01-01T00:00:00+07:00');
  });
});
