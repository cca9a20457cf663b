import { get } from '../api';
import { DeadlineCell, shortTitle, StepBadge } from '../components/Badges';
import { ErrorBox } from '../components/ErrorBox';
import { fmtDateTime, fmtNumber } from '../format';
import { useApp, useAsync, useTitle } from '../hooks';
import { actionLabel, typeLabel } from '../labels';
import { myWork } from '../permissions';
import type { ListResponse, RegisterSummary } from '../types';
import { jurisdictionLabel } from '../App';

const DAY = 86_400_000;
const MAX = 5000;

/** Books in the user's jurisdiction waiting for them (work their role does at the book's step), oldest first. */
export function Queue() {
  const { me, reference } = useApp();
  useTitle('Việc cần làm');
  const q = useAsync(async () => {
    const all: RegisterSummary[] = [];
    let offset: number | undefined = 0;
    while (offset !== undefined && all.length < MAX) {
      const page: ListResponse = await get<ListResponse>('/api/registers', { status: 'running', awaitingHuman: 'true', sort: 'updated', order: 'asc', pageSize: 1000, offset });
      all.push(...page.items);
      offset = page.nextOffset;
    }
    const mine = all
      .map((b) => ({ b, work: myWork(me, reference, b) }))
      .filter((x) => x.work.length > 0);
    const since = (b: RegisterSummary) => Date.parse(b.phaseSince ?? b.updatedAt ?? b.startedAt);
    return mine.sort((x, y) => since(x.b) - since(y.b) || x.b.id.localeCompare(y.b.id));
  }, me.userId);

  const now = Date.now();
  return (
    <section aria-labelledby="queue-title">
      <div class="page-head">
        <div>
          <h1 id="queue-title">Việc cần làm</h1>
          <p class="muted">
            Sổ trong phạm vi {jurisdictionLabel(me)} đang chờ {me.roleLabel.toLowerCase()} thực hiện, sổ chờ lâu nhất ở trên.
          </p>
        </div>
        <button type="button" class="btn" onClick={q.reload} disabled={q.loading}>
          {q.loading ? 'Đang tải…' : 'Làm mới'}
        </button>
      </div>
      {q.error && <ErrorBox error={q.error} />}
      {q.data && (
        <p data-testid="queue-count" aria-live="polite">
          {q.data.length ? `${fmtNumber(q.data.length)} sổ đang chờ bạn.` : 'Không có sổ nào đang chờ bạn.'}
        </p>
      )}
      {q.data && q.data.length > 0 && (
        <div class="table-wrap">
          <table class="table books" data-testid="queue-table">
            <thead>
              <tr>
                <th scope="col">Sổ</th>
                <th scope="col" class="hide-sm">
                  Đơn vị
                </th>
                <th scope="col">Bước</th>
                <th scope="col">Việc cần làm</th>
                <th scope="col">Chờ từ</th>
                <th scope="col">Hạn</th>
              </tr>
            </thead>
            <tbody>
              {q.data.map(({ b, work }) => {
                const since = b.phaseSince ?? b.updatedAt ?? b.startedAt;
                const days = Math.floor((now - Date.parse(since)) / DAY);
                return (
                  <tr key={b.id}>
                    <td>
                      <a class="book-link" href={`/books/${encodeURIComponent(b.id)}`}>
                        {shortTitle(b)}
                      </a>
                      <small class="block muted">{typeLabel(b.type)}</small>
                    </td>
                    <td class="hide-sm">{b.agencyName}</td>
                    <td>
                      <StepBadge step={b.step} phase={b.phase} />
                    </td>
                    <td>{work.map(actionLabel).join(', ')}</td>
                    <td>
                      {fmtDateTime(since)}
                      <small class={`block ${days >= 14 ? 'bad-text' : 'muted'}`}>{days > 0 ? `${fmtNumber(days)} ngày` : 'hôm nay'}</small>
                    </td>
                    <td>
                      <DeadlineCell deadline={b.deadline} overdue={b.overdue} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
