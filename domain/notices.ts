import type { Notice } from '../contracts/v1/values';
import { bookTitleVi } from './book';
import { holderOf } from './custody';
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
    ...holderFolders(s),
    step: s.step,
    message: message.normalize('NFC'),
    createdAt: now,
  };
}

/**
 * The holder's unit, district and province, where its notices are filed: the registering agency's
 * codes until a handover; a 2025 unit has no district, it files under its province's key.
 */
function holderFolders(s: BookState): Pick<Notice, 'agencyCode' | 'districtCode' | 'provinceCode'> {
  if (!s.custodian) return { agencyCode: s.book.agency.code, districtCode: s.book.agency.districtCode, provinceCode: s.book.agency.provinceCode };
  const h = holderOf(s);
  const at = (prefix: string) => h.scopes.find((k) => k.startsWith(prefix))?.slice(2);
  const province = at('p:') ?? h.key;
  return { agencyCode: h.key, districtCode: at('d:') ?? province, provinceCode: province };
}
