import { stepLabel } from '../../labels';
import { Field, TextField } from './fields';
import type { FormSpec } from './types';

/** A reviewer's decision on the step's work: approve with a note, or send it back with reasons. */

export const approveForm: FormSpec = {
  primary: true,
  Fields: (form) => <TextField form={form} name="note" label="Ghi chú (không bắt buộc)" />,
  send: ({ v, act }) => act({ note: v('note') || undefined }),
};

export const rejectForm: FormSpec = {
  danger: true,
  Fields: (form) => {
    const { plan, step } = form.status;
    // A book goes back to its current step or an earlier one, never to "done".
    const backSteps = plan.slice(0, plan.indexOf(step) + 1).filter((s) => s !== 'done');
    return (
      <>
        <Field name="reasons" label="Lý do trả lại (mỗi dòng một lý do)">
          <textarea id="f-reasons" rows={3} required value={form.v('reasons')} onInput={form.set('reasons')} />
        </Field>
        <Field name="backTo" label="Trả về bước">
          <select id="f-backTo" value={form.v('backTo')} onChange={form.set('backTo')}>
            <option value="">Mặc định ({step === 'acceptance' ? 'bước nhập dữ liệu' : stepLabel(step)})</option>
            {backSteps.map((s) => (
              <option key={s} value={s}>
                {stepLabel(s)}
              </option>
            ))}
          </select>
        </Field>
      </>
    );
  },
  send: ({ v, act }) =>
    act({
      reasons: v('reasons')
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean),
      backTo: v('backTo') || undefined,
    }),
};
