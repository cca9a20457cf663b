import { fmtDate } from '../format';
import { phaseLabel, stepLabel } from '../labels';
import type { BookStatus } from '../types';

/** The book's plan as a progress line: done steps, the current one (with its phase), the ones ahead. */
export function StepLine({ status }: { status: BookStatus }) {
  const withdrawn = status.step === 'withdrawn';
  const at = withdrawn ? -1 : status.plan.indexOf(status.step);
  return (
    <ol class={`stepline ${withdrawn ? 'withdrawn' : ''}`} aria-label="Các bước của sổ" data-testid="stepline">
      {status.plan.map((s, i) => {
        const times = status.stepTimes[s];
        const state = withdrawn ? (times?.completedAt && times.completedAt !== status.withdrawn?.at ? 'done' : times ? 'stopped' : 'todo') : i < at || status.step === 'done' ? 'done' : i === at ? 'current' : 'todo';
        const stateText = state === 'done' ? 'đã xong' : state === 'current' ? phaseLabel(status.phase) : state === 'stopped' ? 'dừng (đã rút)' : 'chưa tới';
        return (
          <li key={s} class={`st ${state}`} aria-current={state === 'current' ? 'step' : undefined}>
            <span class="dot" aria-hidden="true">
              {state === 'done' ? '✓' : i + 1}
            </span>
            <span class="st-label">{stepLabel(s)}</span>
            <small class="st-state">
              <span class="sr-only">Trạng thái: </span>
              {stateText}
              {times?.completedAt ? ` ${fmtDate(times.completedAt)}` : state === 'current' && times ? ` từ ${fmtDate(times.startedAt)}` : ''}
            </small>
          </li>
        );
      })}
    </ol>
  );
}
