import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/types';
import { advance, replaceArtifact, setPhase, type ApplyOptions, type Artifact, type BookState, type Problem } from '../domain/bookState';
import type { Step } from '../domain/plan';

const retry = { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10m' } as const;
/** Long, streaming work heartbeats, so a crashed worker's attempt is retried within minutes. */
const { packageScans, validateExcel } = proxyActivities<Activities>({
  startToCloseTimeout: '2h',
  heartbeatTimeout: '2m',
  retry,
});
const { submitImport, computeAcceptance } = proxyActivities<Activities>({ startToCloseTimeout: '30m', retry });

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
 * listed; infrastructure faults are retried by Temporal with backoff, without limit.
 */
export async function runAutomation(s: BookState, opts: ApplyOptions, now: () => string): Promise<void> {
  const step = s.step;
  // A withdrawal while the activity ran wins: its result is dropped.
  const stillCurrent = () => s.step === step && s.phase === 'processing';
  try {
    switch (step) {
      case 'scan': {
        const upload = artifact(s, 'upload');
        const r = await packageScans({ book: s.book, uploadPrefix: upload!.key, expectedCases: s.counts.inventoryCases });
        if (!stillCurrent()) return;
        const at = now();
        Object.assign(s.counts, { pdfs: r.pdfs, pages: r.pages, bytes: r.bytes });
        replaceArtifact(s, { kind: 'zip', ...r.zip, at });
        replaceArtifact(s, { kind: 'manifest', ...r.manifest, at });
        replaceArtifact(s, { kind: 'checksums', ...r.checksums, at });
        s.problems = s.problems.filter((p) => p.step !== 'scan');
        setPhase(s, 'review', at);
        return;
      }
      case 'excel': {
        const excel = artifact(s, 'excel')!;
        const manifest = artifact(s, 'manifest');
        const r = await validateExcel({ book: s.book, excelKey: excel.key, ...(manifest && { manifestKey: manifest.key }) });
        if (!stillCurrent()) return;
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
          const messages = r.sample.map((p) => [p.row && `dòng ${p.row}`, p.column && `cột ${p.column}`, p.messageVi].filter(Boolean).join(', '));
          listProblems(s, 'excel', 'excelInvalid', [`Tệp Excel có ${r.problemCount} lỗi; xem tệp đã đánh dấu.`, ...messages], at);
          setPhase(s, 'work', at);
        }
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
        const r = await submitImport({ workflowId: s.workflowId, book: s.book, excelKey: excel.key, zipKey: zip.key, manifestKey: manifest.key, records });
        if (!stillCurrent()) return;
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
        const r = await computeAcceptance({ book: s.book, counts: s.counts, ...(manifest && { manifestKey: manifest.key }) });
        if (!stillCurrent()) return;
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
