import { Field } from './fields';
import type { FormSpec } from './types';

/** A note on the book, at any step while it is open: it moves nothing, the timeline keeps it. */
export const addNoteForm: FormSpec = {
  Fields: (form) => (
    <Field name="text" label="Nội dung ghi chú">
      <textarea id="f-text" rows={3} required maxLength={2000} value={form.v('text')} onInput={form.set('text')} />
    </Field>
  ),
  send: ({ v, act }) => act({ text: v('text') }),
};
