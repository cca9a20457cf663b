import { daysUntil, fmtDate, fmtDaysLeft } from '../format';
import { phaseLabel, stepLabel } from '../labels';

export function StepBadge({ step, phase }: { step: string | null; phase?: string | null }) {
  const closed = step === 'done' || step === 'withdrawn';
  return (
    <span class={`step-badge ${step ?? ''}`}>
      <span>{stepLabel(step)}</span>
      {!closed && phase && <small class={`phase ${phase}`}>{phaseLabel(phase)}</small>}
    </span>
  );
}

export function DeadlineCell({ deadline, overdue, closed }: { deadline: string | null; overdue: boolean; closed?: boolean }) {
  const left = daysUntil(deadline);
  return (
    <span class="deadline">
      <span>{fmtDate(deadline)}</span>
      {overdue ? (
        <span class="badge bad">Quá hạn</span>
      ) : !closed && left !== undefined && left <= 30 ? (
        <small class={left <= 7 ? 'bad-text' : 'warn-text'}>{fmtDaysLeft(left)}</small>
      ) : null}
    </span>
  );
}

/** "KS quyển 01 (2017)" or "(2005–2006)". */
export function shortTitle(b: { typeCode?: string | null; bookNo?: string | null; yearFrom?: number | null; yearTo?: number | null; id: string }): string {
  if (!b.bookNo) return b.id;
  const years = b.yearFrom && b.yearTo && b.yearTo !== b.yearFrom ? `${b.yearFrom}–${b.yearTo}` : `${b.yearFrom ?? ''}`;
  return `${b.typeCode ?? ''} quyển ${b.bookNo} (${years})`.trim();
}
