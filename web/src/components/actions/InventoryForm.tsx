import { CONDITION_LABELS_VI } from '../../labels';
import { CheckField, Field, int, NumberField, TextField } from './fields';
import type { FormSpec } from './types';

/** The clerk's inventory of the paper book: cases, pages, condition. */
export const confirmInventoryForm: FormSpec = {
  primary: true,
  initial: (s) => ({ cases: s.counts.inventoryCases !== undefined ? String(s.counts.inventoryCases) : '', pages: '', condition: 'good' }),
  Fields: (form) => (
    <>
      <NumberField form={form} name="cases" label="Số trường hợp trong sổ" required />
      <NumberField form={form} name="pages" label="Số trang" required min={1} />
      <Field name="condition" label="Tình trạng sổ">
        <select id="f-condition" value={form.v('condition')} onChange={form.set('condition')}>
          {Object.entries(CONDITION_LABELS_VI).map(([k, l]) => (
            <option key={k} value={k}>
              {l}
            </option>
          ))}
        </select>
      </Field>
      <CheckField form={form} name="repairNeeded" label="Cần tu bổ, chỉnh lý trước khi quét" />
      <TextField form={form} name="note" label="Ghi chú" />
    </>
  ),
  send: ({ v, act }) => act({ cases: int(v('cases')), pages: int(v('pages')), condition: v('condition'), repairNeeded: v('repairNeeded') === 'true', note: v('note') || undefined }),
};
