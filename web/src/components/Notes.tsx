import { fmtDateTime } from '../format';
import { agencyLabel, roleLabel, stepLabel } from '../labels';
import type { Note } from '../types';

/** The clerks' and managers' notes on the book, newest first: what, who, when, at which step. */
export function Notes({ notes }: { notes: readonly Note[] }) {
  if (!notes.length) return null;
  // The book keeps its notes in the order it accepted them.
  const newestFirst = [...notes].reverse();
  return (
    <section class="card" aria-labelledby="notes-title" data-testid="notes">
      <h2 id="notes-title">Ghi chú ({notes.length})</h2>
      <ul class="plain notes">
        {newestFirst.map((n, i) => (
          <li key={notes.length - i}>
            <p class="note-text">{n.text}</p>
            <small class="muted">
              {n.userId} ({roleLabel(n.role)}, {agencyLabel(n.agencyCode)}) · {fmtDateTime(n.at)} · bước {stepLabel(n.step)}
            </small>
          </li>
        ))}
      </ul>
    </section>
  );
}
