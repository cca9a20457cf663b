/**
 * A text cell of an export (CSV or .xlsx) that a spreadsheet would run as a formula when opened or
 * edited: it starts with `=`, `+`, `-`, `@`, a tab or a carriage return. It leaves prefixed with an
 * apostrophe, which spreadsheets show as text; a plain number (`-5`, `+3,5`) stays as it is.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(?:[.,]\d+)*$/;

export function neutraliseCell(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}
