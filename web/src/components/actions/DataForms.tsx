import { CheckField, int, NumberField, TextField } from './fields';
import type { FormSpec } from './types';

/** The data steps' reports: a C06 batch taken in, manual entry progress, the national import's counts. */

export const c06ReceivedForm: FormSpec = {
  primary: true,
  Fields: (form) => (
    <>
      <TextField form={form} name="batchRef" label="Mã lô C06" required />
      <NumberField form={form} name="records" label="Số dòng" required />
    </>
  ),
  send: ({ v, act }) => act({ batchRef: v('batchRef'), records: int(v('records')) }),
};

/** The clerk keeps the rows a C06 delivery left doubtful as the original book has them (listed in the book's problems). */
export const c06RowsConfirmedForm: FormSpec = {
  primary: true,
  Fields: (form) => (
    <TextField form={form} name="reason" label="Lý do giữ nguyên (đã đối chiếu sổ gốc)" required minLength={3} />
  ),
  send: ({ v, act }) => act({ reason: v('reason') }),
};

export const manualEntryProgressForm: FormSpec = {
  primary: true,
  initial: (s) => ({ entered: String(s.counts.manualEntered ?? 0) }),
  Fields: (form) => (
    <>
      <NumberField form={form} name="entered" label="Số trường hợp đã nhập" required help={`Trước đây đã báo: ${form.status.counts.manualEntered ?? 0}`} />
      <CheckField form={form} name="complete" label="Đã nhập xong toàn bộ sổ" />
    </>
  ),
  send: ({ v, act }) => act({ entered: int(v('entered')), complete: v('complete') === 'true' }),
};

export const importConfirmedForm: FormSpec = {
  primary: true,
  initial: (s) => ({ imported: String(s.counts.excelRows ?? s.counts.c06Rows ?? s.counts.inventoryCases ?? ''), failed: '0' }),
  Fields: (form) => (
    <>
      <NumberField form={form} name="imported" label="Số trường hợp đã nhập CSDLHTĐT" required />
      <NumberField form={form} name="failed" label="Số trường hợp lỗi" required />
      <TextField form={form} name="note" label="Ghi chú" />
    </>
  ),
  send: ({ v, act }) => act({ imported: int(v('imported')), failed: int(v('failed')), note: v('note') || undefined }),
};
