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

/**
 * One RFC 4180 CSV line (CRLF ended): text neutralised as above, numbers kept as numbers, quoted when
 * it holds a separator, a quote, a line break or edge spaces. Shared by the dashboard and the API's exports.
 */
export function csvLine(cells: readonly (string | number | null | undefined)[]): string {
  const cell = (v: string | number | null | undefined) => {
    const s = v === null || v === undefined ? '' : typeof v === 'number' ? String(v) : neutraliseCell(v);
    return /[",\r\n;]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return cells.map(cell).join(',') + '\r\n';
}
