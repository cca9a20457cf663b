import { fmtDate, fromDateInput, toDateInput } from '../../format';
import type { BookStatus } from '../../types';
import { PriorityOptions } from '../PriorityOptions';
import { Field, TextField } from './fields';
import type { FormSpec } from './types';

/** A manager's changes that do not move the book: its deadlines, its priority, its withdrawal. */

/** A new deadline with its reason; `current` says which deadline the form changes. */
const deadlineForm = (current: (s: BookStatus) => string, initial?: FormSpec['initial']): FormSpec => ({
  initial,
  Fields: (form) => (
    <>
      <Field name="deadline" label={current(form.status)}>
        <input id="f-deadline" type="date" required value={form.v('deadline')} onInput={form.set('deadline')} />
      </Field>
      <TextField form={form} name="reason" label="Lý do" required />
    </>
  ),
  send: ({ v, act }) => act({ deadline: v('deadline') ? fromDateInput(v('deadline')) : '', reason: v('reason') }),
});

const DAY = 86_400_000;
/** Proposed: 30 days after the book's deadline, or after today if it has passed. */
export const extendDeadlineForm = deadlineForm(
  (s) => `Hạn mới (hiện tại ${fmtDate(s.deadline)})`,
  (s) => ({ deadline: toDateInput(new Date(Math.max(Date.now(), Date.parse(s.deadline)) + 30 * DAY).toISOString()) }),
);

/** A book that follows the province plan takes the date as its own: the plan's later moves no longer reach it. */
export const setPlanDeadlineForm = deadlineForm(
  (s) => `Hạn kế hoạch riêng của sổ (hiện tại ${fmtDate(s.planDeadline)}${s.followsPlan ? ', theo hạn kế hoạch của tỉnh' : ''})`,
);

export const setPriorityForm: FormSpec = {
  initial: (s) => ({ priority: String(s.priority) }),
  Fields: (form) => (
    <Field name="priority" label={`Mức ưu tiên (hiện tại ${form.status.priority}; 1 cao nhất – 5 thấp nhất)`}>
      <select id="f-priority" value={form.v('priority')} onChange={form.set('priority')}>
        <PriorityOptions />
      </select>
    </Field>
  ),
  send: ({ v, act }) => act({ priority: Number(v('priority')) }),
};

export const withdrawForm: FormSpec = {
  danger: true,
  Fields: (form) => <TextField form={form} name="reason" label="Lý do rút sổ khỏi kế hoạch" required minLength={3} />,
  send: ({ v, act }) => act({ reason: v('reason') }),
};

/** A handover: empty "to" hands the book to the unit the 2025 succession data names for its holder. */
export const changeCustodianForm: FormSpec = {
  Fields: (form) => (
    <>
      <Field name="to" label={`Đơn vị nhận sổ (đang giữ: ${form.status.custodian.name})`} help="mã đơn vị; đơn vị sau 1/7/2025 thêm n phía trước (ví dụ n20194); để trống: đơn vị kế thừa theo dữ liệu sắp xếp">
        <input id="f-to" type="text" maxLength={8} pattern="n?[0-9]{2,5}" value={form.v('to')} onInput={form.set('to')} />
      </Field>
      <TextField form={form} name="reason" label="Lý do bàn giao" required minLength={3} />
    </>
  ),
  send: ({ v, act }) => act({ to: v('to') || 'successor', reason: v('reason') }),
};
