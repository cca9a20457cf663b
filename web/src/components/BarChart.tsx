import { fmtNumber } from '../format';

export interface Segment {
  value: number;
  /** CSS class giving the colour: done, active, overdue, waiting, muted */
  kind: 'done' | 'active' | 'overdue' | 'waiting' | 'muted';
  label: string;
}

export interface BarRow {
  key: string;
  label: string;
  href: string;
  segments: Segment[];
  /** Shown at the end of the bar, e.g. "3/12 · 25 %". */
  note?: string;
}

/**
 * A horizontal stacked bar chart in SVG. Each row is a link to the books behind it; the link's text
 * says every number, so the chart reads the same to a screen reader as to the eye.
 */
export function BarChart({ rows, title, id, legend }: { rows: BarRow[]; title: string; id: string; legend: Pick<Segment, 'kind' | 'label'>[] }) {
  const max = Math.max(1, ...rows.map((r) => r.segments.reduce((s, x) => s + x.value, 0)));
  return (
    <figure class="chart" aria-labelledby={`${id}-title`} data-testid={id}>
      <figcaption id={`${id}-title`}>
        <span>{title}</span>
        <span class="legend" aria-hidden="true">
          {legend.map((l) => (
            <span key={l.kind}>
              <i class={`swatch ${l.kind}`} />
              {l.label}
            </span>
          ))}
        </span>
      </figcaption>
      {rows.length === 0 && <p class="muted">Không có sổ nào.</p>}
      <ul class="bars">
        {rows.map((r) => {
          const total = r.segments.reduce((s, x) => s + x.value, 0);
          let x = 0;
          const spoken = r.segments
            .filter((s) => s.value > 0)
            .map((s) => `${s.label} ${fmtNumber(s.value)}`)
            .join(', ');
          return (
            <li key={r.key}>
              <a class="bar-row" href={r.href} aria-label={`${r.label}: ${fmtNumber(total)} sổ${spoken ? ` (${spoken})` : ''}`}>
                <span class="bar-label" title={r.label}>
                  {r.label}
                </span>
                <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                  <rect class="track" x="0" y="0" width="100" height="10" />
                  {r.segments.map((s) => {
                    const w = (s.value / max) * 100;
                    const rect = <rect key={s.kind} class={`seg ${s.kind}`} x={x} y="0" width={w} height="10" />;
                    x += w;
                    return rect;
                  })}
                </svg>
                <span class="bar-note">{r.note ?? fmtNumber(total)}</span>
              </a>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
