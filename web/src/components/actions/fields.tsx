import type { JSX } from 'preact';
import type { FormState } from './types';

/** Inputs of the action forms: ids `f-{name}` so that labels and tests find them. */

export function Field({ name, label, help, children }: { name: string; label: string; help?: string; children: JSX.Element }) {
  return (
    <div class="field">
      <label for={`f-${name}`}>{label}</label>
      {children}
      {help && <small class="hint">{help}</small>}
    </div>
  );
}

export function NumberField({ form, name, label, required, min, help }: { form: FormState; name: string; label: string; required?: boolean; min?: number; help?: string }) {
  return (
    <Field name={name} label={label} help={help}>
      <input id={`f-${name}`} type="number" inputMode="numeric" min={min ?? 0} step={1} required={required} value={form.v(name)} onInput={form.set(name)} />
    </Field>
  );
}

export function TextField({ form, name, label, required, minLength }: { form: FormState; name: string; label: string; required?: boolean; minLength?: number }) {
  return (
    <Field name={name} label={label}>
      <input id={`f-${name}`} type="text" maxLength={1000} required={required} minLength={minLength} value={form.v(name)} onInput={form.set(name)} />
    </Field>
  );
}

export function CheckField({ form, name, label }: { form: FormState; name: string; label: string }) {
  return (
    <div class="field check">
      <input id={`f-${name}`} type="checkbox" checked={form.v(name) === 'true'} onChange={form.set(name)} />
      <label for={`f-${name}`}>{label}</label>
    </div>
  );
}

/** A number field's value for the payload: undefined when left empty, so it is left out (the API names what is missing). */
export const int = (s: string) => (s.trim() === '' ? undefined : Number(s));

