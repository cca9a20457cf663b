/** Plain text tables for the terminal; widths count characters (Vietnamese NFC letters are one each). */
export function table(headers: string[], rows: Array<Array<string | number | null | undefined>>, align: Array<'l' | 'r'> = []): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c).normalize('NFC'))));
  const width = headers.map((h, i) => Math.max([...h].length, ...cells.map((r) => [...(r[i] ?? '')].length)));
  const pad = (s: string, i: number) => {
    const gap = ' '.repeat(Math.max(0, width[i]! - [...s].length));
    return align[i] === 'r' ? gap + s : s + gap;
  };
  const line = (r: string[]) => r.map((c, i) => pad(c, i)).join('  ').trimEnd();
  return [line(headers), width.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** dd/mm/yyyy HH:MM in Vietnam's time (UTC+7). */
export function dateTimeVi(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(Date.parse(iso) + 7 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

export const yesNo = (b: boolean | undefined) => (b ? 'có' : 'không');
