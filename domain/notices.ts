import type { Notice } from '../contracts/v1/values';
import { bookTitleVi } from './book';
import type { BookState, DueEvent } from './bookState';
import { STEP_LABELS_VI } from './plan';
import { formatDateVi } from './settings';

export { noticeSchema, type Notice } from '../contracts/v1/values';

export function noticeFor(s: BookState, e: DueEvent, now: string): Notice {
  const title = bookTitleVi(s.book);
  const deadline = formatDateVi(s.deadline);
  const message =
    e.kind === 'overdue'
      ? `QUÁ HẠN: ${title} chưa hoàn thành (đang ở bước ${STEP_LABELS_VI[s.step]}); hạn là ${deadline}.`
      : e.kind === 'deadlineReminder'
        ? `Nhắc hạn: ${title} còn ${e.daysLeft} ngày đến hạn ${deadline} (đang ở bước ${STEP_LABELS_VI[s.step]}).`
        : `Nhắc việc: ${title} đã chờ ${e.waitingDays} ngày ở bước ${STEP_LABELS_VI[s.step]} (${s.phase === 'review' ? 'chờ duyệt' : 'chờ thực hiện'}).`;
  return {
    // The id is stable for the event, so a retried notify writes the same notice once.
    id: `${s.workflowId}:${e.key}`,
    kind: e.kind,
    workflowId: s.workflowId,
    agencyCode: s.book.agency.code,
    districtCode: s.book.agency.districtCode,
    provinceCode: s.book.agency.provinceCode,
    step: s.step,
    message: message.normalize('NFC'),
    createdAt: now,
  };
}
