import { badInput } from '../failures';
import { PassThrough, Readable } from 'node:stream';
import { bookPeriod, type Book } from '../../domain/book';
import {
  CaseIndex,
  checkHeader,
  columnLetter,
  manifestFiles,
  MAX_STORED_PROBLEMS,
  rowSchemaFor,
  SAMPLE_SIZE,
  templateFor,
  type ExcelValidation,
  type ManifestFile,
  type Problem,
  type ProblemCode,
  type RowIssueParams,
  type RowValues,
} from '../../domain/excel';
import { isNotFound } from '../../clients/storage/errors';
import type { ArtifactStore } from '../../clients/storage/types';
import { writeAnnotated } from './annotate';
import { readDataSheet } from './read';
import { LimitExceeded } from '../limits';
import type { XlsxLimits } from '../sheets/xlsx';
import { heartbeat as defaultHeartbeat, type Heartbeat } from '../heartbeat';

export interface ValidateExcelInput {
  book: Book;
  /** Store key of the uploaded workbook. */
  excelKey: string;
  /** Store key of the scan manifest (`manifest.json` of packageScans); rows are cross-checked against its PDFs. */
  manifestKey?: string;
}

export interface ExcelActivityDeps {
  store: ArtifactStore;
  heartbeat?: Heartbeat;
  /** What a workbook may hold; the configured defaults otherwise. */
  limits?: XlsxLimits;
}

/** Keys stored beside a workbook: `X.xlsx` → `X.problems.json`, `X.annotated.xlsx`. */
export function besideKeys(excelKey: string) {
  const stem = excelKey.replace(/\.xlsx$/i, '');
  return { problemsKey: `${stem}.problems.json`, annotatedKey: `${stem}.annotated.xlsx`, diffKey: `${stem}.diff.json` };
}

/** Collects problems: counts all, keeps up to MAX_STORED_PROBLEMS. */
class ProblemLog {
  readonly list: Problem[] = [];
  readonly byCode: Record<string, number> = {};
  count = 0;
  add(p: Problem) {
    this.count++;
    this.byCode[p.code] = (this.byCode[p.code] ?? 0) + 1;
    if (this.list.length < MAX_STORED_PROBLEMS) this.list.push(p);
  }
  file(sheet: string, code: ProblemCode, messageVi: string, messageEn: string) {
    this.add({ sheet, code, messageVi, messageEn });
  }
}

async function* jsonChunks(head: Record<string, unknown>, problems: readonly Problem[]): AsyncGenerator<string> {
  yield JSON.stringify(head).slice(0, -1) + ',"problems":[\n';
  for (let i = 0; i < problems.length; i += 1000)
    yield problems
      .slice(i, i + 1000)
      .map((p) => JSON.stringify(p))
      .join(',\n') + (i + 1000 < problems.length ? ',\n' : '\n');
  yield ']}\n';
}

/** Streams a producer's output into the store under `key`. */
export async function putStreaming(store: ArtifactStore, key: string, write: (out: PassThrough) => Promise<void>, contentType: string) {
  const pass = new PassThrough();
  const put = store.put(key, pass, { contentType });
  try {
    await write(pass);
    pass.end();
  } catch (e) {
    pass.destroy(e as Error);
    await put.catch(() => undefined);
    throw e;
  }
  return put;
}

async function readManifest(store: ArtifactStore, key: string): Promise<ManifestFile[]> {
  let raw: Buffer;
  try {
    raw = await store.getBuffer(key);
  } catch (e) {
    if (isNotFound(e)) throw badInput('ManifestMissing', `Không có bảng kê bản quét (manifest) "${key}".`);
    throw e;
  }
  let files: ManifestFile[] | undefined;
  try {
    files = manifestFiles(JSON.parse(raw.toString('utf8')));
  } catch {
    files = undefined;
  }
  if (!files) throw badInput('ManifestInvalid', `Bảng kê bản quét "${key}" không đúng dạng (cần danh sách files).`);
  return files;
}

/**
 * Activity factory for the Excel step. Bad data is NOT an activity failure: `validateExcel` returns
 * `ok: false` with the problems, so the workflow can send the book back to the clerk. Store faults
 * are ordinary errors (Temporal retries them); a missing or malformed manifest is a wiring error
 * (non-retryable ApplicationFailure).
 */
export function createValidateExcel({ store, heartbeat = defaultHeartbeat, limits }: ExcelActivityDeps) {
  return async function validateExcel(input: ValidateExcelInput): Promise<ExcelValidation> {
    const { book, excelKey, manifestKey } = input;
    const t = templateFor(book.type);
    const { period } = bookPeriod(book);
    const schema = rowSchemaFor(book.type, period, book);
    const log = new ProblemLog();
    const { problemsKey, annotatedKey } = besideKeys(excelKey);
    // The upload is stored under the name the person gave it (api/routes/uploads.ts): messages name it.
    const fileName = excelKey.split('/').pop() ?? excelKey;

    // The manifest is read after the rows, so its objects do not add to the reading's peak memory;
    // its existence is checked first so a wiring error fails before the long read.
    if (manifestKey && !(await store.head(manifestKey)))
      throw badInput('ManifestMissing', `Không có bảng kê bản quét (manifest) "${manifestKey}".`);
    const head = await store.head(excelKey);
    let rows = 0;
    let annotate = false;

    if (!head) {
      log.file('', 'fileMissing', `Chưa có tệp Excel ${fileName}.`, `No workbook at ${excelKey}.`);
    } else if (head.bytes === 0) {
      log.file('', 'emptyFile', `Tệp ${fileName} rỗng (0 byte).`, `${fileName} is empty.`);
    } else {
      let sheet = '';
      let columns = new Map<string, number>();
      let index: CaseIndex | undefined;
      let stop = false;
      let headerSeen = false;
      const keys = [...t.columns, ...t.optionalColumns].map((c) => c.key);
      const values: RowValues = Object.fromEntries(keys.map((k) => [k, '']));

      const header = (cells: string[]) => {
        headerSeen = true;
        const h = checkHeader(t, cells, sheet);
        h.problems.forEach((p) => log.add(p));
        columns = h.columns;
        index = new CaseIndex(sheet, columns.get('so'), columns.get('ngayDangKy'));
        // Another type's template, or no column of ours at all: the header problems say it all.
        if (h.otherTemplate || h.columns.size === 0) stop = true;
      };

      const outcome = await readDataSheet(
        await store.get(excelKey),
        (name) => {
          sheet = name;
        },
        (rowNo, cells) => {
          if (!headerSeen) {
            header(rowNo === 1 ? cells : []);
            if (stop) return false;
            if (rowNo === 1) return;
          }
          if (cells.every((c) => c === '')) return;
          rows++;
          // One object reused for every row (the schema does not copy it; nothing keeps it).
          for (const k of keys) {
            const at = columns.get(k);
            values[k] = at === undefined ? '' : (cells[at - 1] ?? '');
          }
          const r = schema.safeParse(values);
          let caseInvalid = false;
          if (!r.success)
            for (const issue of r.error.issues) {
              const key = String(issue.path[0] ?? '');
              const at = columns.get(key);
              // A column missing from the header is reported once there, not on every row.
              if (at === undefined) continue;
              if (key === 'so' || key === 'ngayDangKy') caseInvalid = true;
              const params = (issue as { params?: RowIssueParams }).params;
              log.add({
                sheet,
                row: rowNo,
                column: key,
                cell: `${columnLetter(at)}${rowNo}`,
                value: values[key],
                code: params?.code ?? 'required',
                messageVi: issue.message,
                messageEn: params?.en ?? issue.message,
              });
            }
          // A case whose number or date is already reported is not matched to the PDFs (no second report of it).
          if (caseInvalid) index!.flag(values.so ?? '');
          else {
            const dup = index!.add(rowNo, values.so ?? '', values.ngayDangKy ?? '');
            if (dup) log.add(dup);
          }
          if (rows % 2000 === 0) heartbeat({ rows });
        },
        { limits, file: fileName },
      ).catch((e: unknown) => {
        // Over a limit: the clerk gets the file back with the reason, not an endless retry.
        if (!(e instanceof LimitExceeded)) throw e;
        log.file(sheet, 'tooLarge', `Tệp ${fileName} vượt giới hạn cho phép: ${e.message}. Hãy chia tệp hoặc bỏ dữ liệu thừa.`, `${fileName} is over a limit: ${e.message}.`);
        return undefined;
      });

      // No outcome: over a limit, reported above.
      if (outcome && !outcome.sheet) {
        if (outcome.notZip || outcome.sheets.length === 0)
          log.file(
            '',
            'notXlsx',
            `Tệp ${fileName} không phải tệp Excel .xlsx: mở tệp bằng Excel, chọn Lưu thành (Save As) kiểu "Excel Workbook (*.xlsx)" rồi tải lên lại.`,
            `${fileName} is not an .xlsx workbook${outcome.parseError ? ` (${outcome.parseError})` : ''}.`,
          );
        else log.file('', 'noDataSheet', `Tệp ${fileName} không có trang dữ liệu (chỉ có: ${outcome.sheets.join(', ')}).`, `${fileName} has no data sheet.`);
      } else if (outcome?.parseError) {
        log.file(sheet, 'notXlsx', `Tệp ${fileName} bị hỏng, không đọc được hết: mở bằng Excel, lưu lại rồi tải lên lại.`, `${fileName} is damaged: ${outcome.parseError}.`);
      } else if (outcome && !stop) {
        if (!headerSeen) header([]);
        if (rows === 0) log.file(sheet, 'noRows', `Trang ${sheet} không có dòng dữ liệu nào (từ dòng 2).`, `Sheet ${sheet} has no data rows.`);
        // Without its case number or date column no row can be matched: the header problem says why.
        if (manifestKey && columns.has('so') && columns.has('ngayDangKy')) index!.compare(await readManifest(store, manifestKey)).forEach((p) => log.add(p));
      }
      annotate = outcome?.sheet !== undefined && !outcome.parseError;
    }

    if (log.count > log.list.length)
      log.list.push({
        sheet: '',
        code: 'tooManyProblems',
        messageVi: `Có ${log.count} lỗi; chỉ ${MAX_STORED_PROBLEMS} lỗi đầu được liệt kê.`,
        messageEn: `${log.count} problems; only the first ${MAX_STORED_PROBLEMS} are listed.`,
      });

    const out: ExcelValidation = {
      ok: log.count === 0,
      rows,
      problemCount: log.count,
      problemsByCode: log.byCode,
      sha256: head?.sha256,
      sample: log.list.slice(0, SAMPLE_SIZE),
    };
    if (log.count === 0) {
      // A clean file: no stale reports of an earlier upload may stay beside it.
      await store.delete(problemsKey);
      await store.delete(annotatedKey);
      return out;
    }
    const meta = { excelKey, sha256: head?.sha256, rows, problemCount: log.count, problemsByCode: log.byCode, truncated: log.count > MAX_STORED_PROBLEMS };
    await store.put(problemsKey, Readable.from(jsonChunks(meta, log.list)), { contentType: 'application/json' });
    out.problemsKey = problemsKey;
    if (annotate) {
      const src = await store.get(excelKey);
      await putStreaming(store, annotatedKey, (o) => writeAnnotated(src, o, log.list, (r) => heartbeat({ annotatedRows: r })), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      out.annotatedKey = annotatedKey;
    } else await store.delete(annotatedKey);
    return out;
  };
}
