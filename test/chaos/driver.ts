import { setTimeout as sleep } from 'node:timers/promises';
import type { ActionName } from '../../domain/actions';
import type { BookStatus } from '../../domain/bookState';
import { typeCode } from '../../domain/registerTypes';
import type { ApiClient } from './api';
import { CASES, excelFile, PAGES, scansZip, type ChaosBook } from './books';
import type { Person } from './stack';
import type { Watcher } from './watcher';

/** An update the API answered 200 for: it must be in the book's status and history. */
export interface Answered {
  id: string;
  action: ActionName;
  requestId: string;
}

type Move =
  | { kind: 'act'; who: Person; action: ActionName; payload: Record<string, unknown> }
  | { kind: 'upload'; what: 'scans' | 'excel'; bad?: boolean }
  | { kind: 'wait'; maxMs: number }
  | { kind: 'finished' }
  | { kind: 'stray'; why: string };

const act = (who: Person, action: ActionName, payload: Record<string, unknown> = {}): Move => ({ kind: 'act', who, action, payload });

/**
 * What the book's people do next, from the book's status alone (so a lost answer never makes them
 * repeat or skip a step): the story's detour once, otherwise the next approval or delivery. A state
 * no story leads to is `stray`: the driver stops there and the checks report it.
 */
export function nextMove(b: ChaosBook, st: BookStatus, listedFailing: boolean): Move {
  const rejected = (step: string) => st.reviews.some((r) => r.step === step && r.decision === 'rejected');
  const uploads = (action: ActionName) => st.actions.filter((a) => a.action === action).length;
  const withdraw = act('manager', 'withdraw', { reason: `Rút sổ (kịch bản ${b.story})` });
  if (st.phase === 'closed') return { kind: 'finished' };
  if (b.story === 'withdrawInPackaging' && uploads('scansUploaded') > 0) return withdraw;
  if (b.story === 'withdrawInImport' && st.step === 'import' && listedFailing) return withdraw;
  if (st.phase === 'processing') return { kind: 'wait', maxMs: b.story === 'withdrawInImport' ? 1000 : 15_000 };
  const scansExpected = b.story === 'rejectScans' ? 2 : 1;
  const excelExpected = ['badExcel', 'rejectExcel', 'rejectAcceptance'].includes(b.story) ? 2 : 1;
  switch (`${st.step}/${st.phase}`) {
    case 'inventory/work':
      return act('clerk', 'confirmInventory', { cases: CASES, pages: CASES * PAGES, condition: 'good' });
    case 'scan/work':
      return uploads('scansUploaded') < scansExpected ? { kind: 'upload', what: 'scans' } : { kind: 'stray', why: `scans asked for again: ${problemsOf(st)}` };
    case 'scan/review':
      return b.story === 'rejectScans' && !rejected('scan') ? act('clerk', 'reject', { reasons: ['Trang 2 hồ sơ 01 bị mờ, quét lại'] }) : act('clerk', 'approve');
    case 'excel/work':
      if (b.story === 'holdAtExcel') return { kind: 'finished' };
      if (uploads('excelUploaded') >= excelExpected) return { kind: 'stray', why: `Excel asked for again: ${problemsOf(st)}` };
      return { kind: 'upload', what: 'excel', bad: b.story === 'badExcel' && uploads('excelUploaded') === 0 };
    case 'excel/review':
      return b.story === 'rejectExcel' && !rejected('excel') ? act('clerk', 'reject', { reasons: ['Họ tên dòng 2 chưa khớp bản quét'] }) : act('clerk', 'approve');
    case 'import/work':
      // The outbox gateway (the cluster's default): the clerk confirms what the national system took.
      return act('clerk', 'importConfirmed', { imported: CASES, failed: 0 });
    case 'acceptance/review':
      if (b.story === 'holdAtAcceptance') return { kind: 'finished' };
      return b.story === 'rejectAcceptance' && !rejected('acceptance')
        ? act('manager', 'reject', { reasons: ['Kiểm tra lại dữ liệu Excel'], backTo: 'excel' })
        : act('manager', 'approve');
    default:
      return { kind: 'stray', why: `no one acts at ${st.step}/${st.phase}: ${problemsOf(st)}` };
  }
}

/**
 * Whether an action (in a status or a timeline) is the one sent with this key: an upload's report
 * carries it as its request id; a client's Idempotency-Key is kept as `key~fingerprint of the payload`
 * beside the server's own request id.
 */
export const sentWith = (a: { requestId?: string; idempotencyKey?: string }, key: string) =>
  a.requestId === key || a.idempotencyKey === key || !!a.idempotencyKey?.startsWith(`${key}~`);

const problemsOf = (st: BookStatus) => st.problems.map((p) => p.message).join('; ') || 'no problem listed';

/**
 * The people of every book, acting through the API as they would: each action carries an
 * Idempotency-Key and is sent again with the same key until it gets an answer; an upload whose
 * answer was lost is not repeated blindly, the next move is read from the book's status.
 */
export class Driver {
  readonly answered: Answered[] = [];
  /** Sent again after a lost answer and found applied: in history, but the API never said 200. */
  readonly appliedUnanswered: Answered[] = [];
  readonly trails = new Map<string, string[]>();
  readonly strays = new Map<string, string>();
  /** Requests that got no answer or a 5xx and were sent again. */
  resent = 0;
  /** Called when a delivery went in: the book's packaging or validation is starting. */
  onSubmitted?: (id: string, activity: 'packageScans' | 'validateExcel') => void;
  private seq = 0;
  /**
   * Each book's own plan deadline, 20 days away: its 30-day reminder falls due with the manager's action
   * (books that follow the province plan have no reminder of their own), while the outbox is failing.
   */
  private readonly ownDeadline = new Date(Date.now() + 20 * 86_400_000).toISOString();

  constructor(
    private readonly api: ApiClient,
    private readonly watcher: Watcher,
    private readonly until: number,
  ) {}

  private note(b: ChaosBook, line: string) {
    const t = this.trails.get(b.id) ?? [];
    t.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
    this.trails.set(b.id, t);
  }

  /** Creates the book (manager) and drives it until its story ends, it strays, or time is up. */
  async drive(b: ChaosBook): Promise<void> {
    if (!(await this.create(b))) return;
    if (!(await this.act(b, 'manager', 'setPlanDeadline', { deadline: this.ownDeadline, reason: 'Hạn riêng của sổ theo kế hoạch của xã' }))) return;
    let st = await this.status(b);
    while (st && Date.now() < this.until) {
      const move = nextMove(b, st, this.watcher.failing.has(b.id));
      if (move.kind === 'finished') return this.note(b, `finished at ${st.step}/${st.phase}`);
      if (move.kind === 'stray') {
        this.strays.set(b.id, move.why);
        return this.note(b, `stray: ${move.why}`);
      }
      if (move.kind === 'wait') await this.watcher.changed(b.id, st.updatedAt, move.maxMs);
      else if (move.kind === 'act' && !(await this.act(b, move.who, move.action, move.payload))) return;
      else if (move.kind === 'upload' && !(await this.upload(b, move.what, move.bad ?? false))) return;
      st = await this.status(b);
    }
  }

  private async create(b: ChaosBook): Promise<boolean> {
    const item = { agencyCode: b.book.agency.code, type: typeCode(b.book.type), bookNo: b.book.bookNo, yearFrom: b.book.yearFrom, yearTo: b.book.yearTo };
    while (Date.now() < this.until) {
      const r = await this.api.call('manager', 'POST', '/api/registers', { json: { items: [item] } });
      const result = r.status === 200 ? r.body.items[0].result : undefined;
      if (result === 'created' || result === 'existing') {
        this.note(b, `created (${result})`);
        return true;
      }
      if (r.status !== 0 && r.status < 500) return this.fail(b, `create answered ${r.status}: ${JSON.stringify(r.body)}`);
      this.resent++;
      await sleep(1000);
    }
    return false;
  }

  private async status(b: ChaosBook): Promise<BookStatus | undefined> {
    while (Date.now() < this.until) {
      // The status is the workflow's query: held while no worker runs, answered as soon as one is back.
      const r = await this.api.call<BookStatus>('clerk', 'GET', `/api/registers/${b.id}`, { timeoutMs: 20_000 });
      if (r.status === 200) return r.body;
      await sleep(1000);
    }
    return undefined;
  }

  /** One action, sent until answered; false when the driver cannot go on with this book. */
  private async act(b: ChaosBook, who: Person, action: ActionName, payload: Record<string, unknown>): Promise<boolean> {
    const requestId = `${b.id}.${action}.${++this.seq}`;
    let lost = false;
    while (Date.now() < this.until) {
      const r = await this.api.call(who, 'POST', `/api/registers/${b.id}/actions/${action}`, { json: payload, headers: { 'idempotency-key': requestId } });
      if (r.status === 200) {
        if (!r.body.unchanged) this.answered.push({ id: b.id, action, requestId });
        this.note(b, `${action} → 200${lost ? ' (after a lost answer)' : ''}`);
        return true;
      }
      if (r.status === 0 || r.status >= 500) {
        lost = true;
        this.resent++;
        this.note(b, `${action} → ${r.status || 'no answer'}: ${r.body?.message ?? ''}`);
        await sleep(1000);
        continue;
      }
      if (r.status === 409) {
        // The book moved on: by this very action (its answer lost), or by automation meanwhile.
        const st = await this.status(b);
        if (lost && st?.actions.some((a) => sentWith(a, requestId))) this.appliedUnanswered.push({ id: b.id, action, requestId });
        this.note(b, `${action} → 409 (${st?.step}/${st?.phase})`);
        return true;
      }
      return this.fail(b, `${action} answered ${r.status}: ${JSON.stringify(r.body)}`);
    }
    return false;
  }

  /** One delivery; a lost answer is not resent blindly (the next status says whether it went in). */
  private async upload(b: ChaosBook, what: 'scans' | 'excel', bad: boolean): Promise<boolean> {
    const body = what === 'scans' ? await scansZip(b.book) : await excelFile(b.book, bad);
    const r = await this.api.call('contractor', 'PUT', `/api/registers/${b.id}/${what}${what === 'scans' ? '?filename=giao-nhan.zip' : ''}`, {
      body,
      contentType: what === 'scans' ? 'application/zip' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    if (r.status === 200) {
      const applied = r.body.action && !r.body.action.unchanged;
      const uploadId = what === 'scans' ? r.body.uploadId : String(r.body.excelKey).split('/').at(-2);
      if (applied) {
        this.answered.push({ id: b.id, action: what === 'scans' ? 'scansUploaded' : 'excelUploaded', requestId: `${what}:${uploadId}` });
        this.onSubmitted?.(b.id, what === 'scans' ? 'packageScans' : 'validateExcel');
      }
      this.note(b, `${what}${bad ? ' (bad)' : ''} uploaded → 200`);
      return true;
    }
    if (r.status === 0 || r.status >= 500 || r.status === 409) {
      this.resent++;
      this.note(b, `${what} upload → ${r.status || 'no answer'}: ${r.body?.message ?? ''}`);
      if (r.status !== 409) await sleep(1000);
      return true;
    }
    return this.fail(b, `${what} upload answered ${r.status}: ${JSON.stringify(r.body)}`);
  }

  private fail(b: ChaosBook, why: string): false {
    this.strays.set(b.id, why);
    this.note(b, `stopped: ${why}`);
    return false;
  }
}
