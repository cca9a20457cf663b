import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  proxyActivities,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/types';
import { advance, C06_FLAGGED, replaceArtifact, setPhase, type ApplyOptions, type Artifact, type BookState, type Problem } from '../domain/bookState';
import type { Step } from '../domain/plan';
import { bounded, ROUND_ATTEMPTS, roundPauseMs, unbounded } from './activityOptions';
import { PATCHES, type PatchId } from './patches';

type Automated = Pick<Activities, 'packageScans' | 'validateExcel' | 'reconcileC06' | 'submitImport' | 'computeAcceptance'>;
/** Activity proxies are Proxy objects (no own keys to spread): each is taken by name. */
const proxies = (options: (t: 'long' | 'import' | 'short') => Parameters<typeof proxyActivities>[0]): Automated => {
  const { packageScans, validateExcel, reconcileC06 } = proxyActivities<Activities>(options('long'));
  const { submitImport } = proxyActivities<Activities>(options('import'));
  const { computeAcceptance } = proxyActivities<Activities>(options('short'));
  return { packageScans, validateExcel, reconcileC06, submitImport, computeAcceptance };
};

/** What stopped the automation without an outcome: the book moved on, or its history asks for a new run. */
export const STALE = Symbol('stale');
export const CONTINUE = Symbol('continueAsNew');
type Interrupted = typeof STALE | typeof CONTINUE;

/** How the automation calls its activity. */
export type Invoke = <T>(activity: keyof Automated, call: (a: Automated) => Promise<T>, stillCurrent: () => boolean) => Promise<T | Interrupted>;

/**
 * The first books' way: one call retried by Temporal without end; a failure that lands after the book
 * moved on is rethrown (it failed the run). Kept unchanged so their histories replay.
 */
export const legacyInvoke = (): Invoke => {
  const acts = proxies(unbounded);
  return (_activity, call) => call(acts);
};

/**
 * Rounds of bounded attempts, in a scope cancelled as soon as the book moves on (a withdrawal cancels
 * the running or retrying activity, and the book closes as withdrawn). Between rounds the book is marked
 * failing with the attempts and the last error, so one visibility query lists what is stuck.
 */
export const guardedInvoke =
  (s: BookState, changed: () => void, now: () => string): Invoke =>
  async (activity, call, stillCurrent) => {
    const acts = proxies(bounded);
    const work = new CancellationScope();
    const watch = new CancellationScope();
    watch.run(() => condition(() => !stillCurrent())).then(
      () => work.cancel(),
      () => undefined, // the watch itself was cancelled: the call ended first
    );
    try {
      for (let round = 1; ; round++) {
        try {
          return await work.run(() => call(acts));
        } catch (e) {
          if (!stillCurrent()) return STALE;
          if (!(e instanceof ActivityFailure) || e.retryState === 'NON_RETRYABLE_FAILURE') throw e;
          const pause = roundPauseMs(round);
          const at = now();
          s.failing = {
            step: s.step,
            activity,
            attempts: round * ROUND_ATTEMPTS,
            lastError: (e.cause?.message ?? e.message).slice(0, 500),
            since: s.failing?.since ?? at,
            retryAt: new Date(Date.parse(at) + pause).toISOString(),
          };
          changed();
          if (workflowInfo().continueAsNewSuggested) return CONTINUE;
          try {
            await work.run(() => sleep(pause));
          } catch (err) {
            if (!stillCurrent()) return STALE;
            throw err;
          }
        }
      }
    } finally {
      watch.cancel();
    }
  };

const artifact = (s: BookState, kind: Artifact['kind']) => s.artifacts.find((a) => a.kind === kind);
const MAX_LISTED = 20;

function listProblems(s: BookState, step: Step, code: string, messages: string[], now: string): void {
  const listed = messages.slice(0, MAX_LISTED).map((message): Problem => ({ step, code, message, at: now }));
  if (messages.length > MAX_LISTED) listed.push({ step, code, message: `… và ${messages.length - MAX_LISTED} lỗi khác`, at: now });
  s.problems = [...s.problems.filter((p) => p.step !== step), ...listed];
}

/**
 * Runs the automatic work of the book's current step and applies its outcome. Bad input (a
 * non-retryable failure) sends the step back to the person who submitted it, with every problem
 * listed; infrastructure faults are retried (how, is `invoke`'s choice). Answers `CONTINUE` when the
 * run should continue as new before the work is done (the next run starts it again: it is idempotent).
 */
export async function runAutomation(
  s: BookState,
  opts: ApplyOptions & { inForce: (patch: PatchId) => boolean },
  now: () => string,
  invoke: Invoke,
): Promise<typeof CONTINUE | undefined> {
  const step = s.step;
  // A withdrawal while the activity ran wins: its result is dropped.
  const stillCurrent = () => s.step === step && s.phase === 'processing';
  try {
    switch (step) {
      case 'scan': {
        const upload = artifact(s, 'upload');
        const r = await invoke('packageScans', (a) => a.packageScans({ book: s.book, uploadPrefix: upload!.key, expectedCases: s.counts.inventoryCases }), stillCurrent);
        if (r === CONTINUE) return r;
        if (r === STALE || !stillCurrent()) return;
        const at = now();
        Object.assign(s.counts, { pdfs: r.pdfs, pages: r.pages, bytes: r.bytes });
        replaceArtifact(s, { kind: 'zip', ...r.zip, at });
        replaceArtifact(s, { kind: 'manifest', ...r.manifest, at });
        replaceArtifact(s, { kind: 'checksums', ...r.checksums, at });
        s.problems = s.problems.filter((p) => p.step !== 'scan');
        // Page findings that only warn go in the book's problems for the reviewer (books packaged before keep none).
        if (opts.inForce(PATCHES.pageWarnings) && r.warnings?.length) listProblems(s, 'scan', 'pageWarning', r.warnings, at);
        setPhase(s, 'review', at);
        return;
      }
      case 'excel': {
        const excel = artifact(s, 'excel')!;
        const manifest = artifact(s, 'manifest');
        const r = await invoke('validateExcel', (a) => a.validateExcel({ book: s.book, excelKey: excel.key, ...(manifest && { manifestKey: manifest.key }) }), stillCurrent);
        if (r === CONTINUE) return r;
        if (r === STALE || !stillCurrent()) return;
        const at = now();
        s.counts.excelRows = r.rows;
        if (r.sha256) replaceArtifact(s, { ...excel, sha256: r.sha256, at });
        s.artifacts = s.artifacts.filter((a) => a.kind !== 'excelProblems' && a.kind !== 'excelAnnotated');
        if (r.problemsKey) replaceArtifact(s, { kind: 'excelProblems', key: r.problemsKey, at });
        if (r.annotatedKey) replaceArtifact(s, { kind: 'excelAnnotated', key: r.annotatedKey, at });
        if (r.ok) {
          s.problems = s.problems.filter((p) => p.step !== 'excel');
          setPhase(s, 'review', at);
        } else {
          // Each problem where the clerk finds it in Excel: the cell (column letter and row) and the field.
          const where = (p: (typeof r.sample)[number]) => (p.cell ? `Ô ${p.cell}` : p.row ? `Dòng ${p.row}` : '') + (p.column ? ` (${p.column})` : '');
          const messages = r.sample.map((p) => (where(p) ? `${where(p)}: ${p.messageVi}` : p.messageVi));
          const file = excel.key.split('/').pop();
          const see = r.annotatedKey ? '; xem bản sao đã tô đỏ các ô lỗi' : r.problemsKey ? '; xem danh sách lỗi' : '';
          listProblems(s, 'excel', 'excelInvalid', [`Tệp ${file} có ${r.problemCount} lỗi${see}.`, ...messages], at);
          setPhase(s, 'work', at);
        }
        return;
      }
      case 'c06': {
        const batch = artifact(s, 'c06Batch')!;
        const manifest = artifact(s, 'manifest');
        const records = s.counts.c06Rows;
        const input = { book: s.book, batchRef: batch.key, ...(records !== undefined && { records }), ...(manifest && { manifestKey: manifest.key }) };
        const r = await invoke('reconcileC06', (a) => a.reconcileC06(input), stillCurrent);
        if (r === CONTINUE) return r;
        if (r === STALE || !stillCurrent()) return;
        const at = now();
        s.counts.c06Rows = r.rows;
        replaceArtifact(s, { kind: 'excel', key: r.key, sha256: r.sha256, at });
        s.artifacts = s.artifacts.filter((a) => a.kind !== 'excelProblems' && a.kind !== 'excelAnnotated');
        if (r.problemsKey) replaceArtifact(s, { kind: 'excelProblems', key: r.problemsKey, at });
        if (r.annotatedKey) replaceArtifact(s, { kind: 'excelAnnotated', key: r.annotatedKey, at });
        if (r.findingCount === 0) {
          s.problems = s.problems.filter((p) => p.step !== 'c06');
          setPhase(s, 'review', at);
          return;
        }
        // The clerk confirms the rows as the original book has them, or C06 sends them again.
        const rows = [...new Set(r.findings.flatMap((f) => (f.row ? [f.row] : [])))];
        const listed = rows.length ? ` (dòng ${rows.slice(0, 20).join(', ')}${rows.length > 20 ? ', …' : ''})` : '';
        const head = `Lô C06 ${batch.key}: ${r.findingCount} điểm cần xem lại${r.rowsFlagged ? ` trên ${r.rowsFlagged} dòng` : ''} của tệp ${r.key.split('/').pop()}${listed}.`;
        const where = (f: (typeof r.findings)[number]) =>
          (f.cell ? `Ô ${f.cell}` : f.row ? `Dòng ${f.row}` : '') + (f.column ? ` (${f.column}${f.batchRow ? `, dòng ${f.batchRow} của lô C06` : ''})` : '');
        listProblems(s, 'c06', C06_FLAGGED, [head, ...r.findings.map((f) => (where(f) ? `${where(f)}: ${f.messageVi}` : f.messageVi))], at);
        setPhase(s, 'work', at);
        return;
      }
      case 'import': {
        const excel = artifact(s, 'excel');
        const zip = artifact(s, 'zip');
        const manifest = artifact(s, 'manifest');
        const records = s.counts.excelRows ?? s.counts.c06Rows;
        if (!excel || !zip || !manifest || records === undefined) {
          // Books scanned before packaging existed have no zip: the clerk imports and confirms by hand.
          setPhase(s, 'work', now());
          return;
        }
        const pkg = { workflowId: s.workflowId, book: s.book, excelKey: excel.key, zipKey: zip.key, manifestKey: manifest.key, records };
        const r = await invoke('submitImport', (a) => a.submitImport(pkg), stillCurrent);
        if (r === CONTINUE) return r;
        if (r === STALE || !stillCurrent()) return;
        const at = now();
        if (r.mode === 'outbox') {
          replaceArtifact(s, { kind: 'importPackage', key: r.packageKey, at });
          setPhase(s, 'work', at);
        } else {
          replaceArtifact(s, { kind: 'importReceipt', key: r.receiptKey, at });
          Object.assign(s.counts, { imported: r.accepted, importFailed: r.rejected });
          advance(s, at, opts);
        }
        return;
      }
      case 'acceptance': {
        const manifest = artifact(s, 'manifest');
        const r = await invoke('computeAcceptance', (a) => a.computeAcceptance({ book: s.book, counts: s.counts, ...(manifest && { manifestKey: manifest.key }) }), stillCurrent);
        if (r === CONTINUE) return r;
        if (r === STALE || !stillCurrent()) return;
        const at = now();
        replaceArtifact(s, { kind: 'acceptance', key: r.reportKey, at });
        listProblems(s, 'acceptance', 'mismatch', r.mismatches.map((m) => m.messageVi), at);
        setPhase(s, 'review', at);
        return;
      }
      default:
        setPhase(s, 'work', now());
    }
  } catch (e) {
    if (!(e instanceof ActivityFailure) || !stillCurrent()) throw e;
    const cause = e.cause instanceof ApplicationFailure ? e.cause : undefined;
    const at = now();
    listProblems(s, step, cause?.type ?? 'failed', (cause?.message ?? e.message).split('\n').filter(Boolean), at);
    // Packaging and validation go back to their submitter; import and acceptance wait for a person.
    setPhase(s, step === 'acceptance' ? 'review' : 'work', at);
  }
}
