import { badInput } from '../failures';
import { manifestFigures } from '../../domain/acceptance';
import { bookTitleVi, type Book } from '../../domain/book';
import { bookPrefix, excelName, manifestName, zipName } from '../../domain/naming';
import type { ArtifactStore, StoredObject } from '../../clients/storage/types';
import { importPrefix, type ImportPackage, type OutboxResult, type RegistryGateway } from './types';

/**
 * The default gateway: writes the book's import package (validated Excel, zip of PDFs, manifest,
 * a README for the clerk) into `…/import/`; the clerk uploads it to the national software and
 * confirms the imported and failed counts (`importConfirmed`). Server-side copies, no re-reading
 * of the zip; writing the same package again is a no-op.
 */
export class OutboxGateway implements RegistryGateway {
  readonly mode = 'outbox' as const;
  constructor(private readonly store: ArtifactStore) {}

  async submit(pkg: ImportPackage): Promise<OutboxResult> {
    const sources = await checkSources(this.store, pkg);
    const folder = importPrefix(bookPrefix(pkg.book));
    const targets = {
      excel: `${folder}/${excelName(pkg.book)}`,
      zip: `${folder}/${zipName(pkg.book)}`,
      manifest: `${folder}/${manifestName(pkg.book)}`,
    };
    const files: StoredObject[] = [];
    for (const part of ['excel', 'zip', 'manifest'] as const) {
      const have = await this.store.head(targets[part]);
      files.push(have?.sha256 === sources[part].sha256 ? have : await this.store.copy(sources[part].key, targets[part]));
    }
    const manifest = manifestFigures(JSON.parse((await this.store.getBuffer(pkg.manifestKey)).toString('utf8')));
    const readme = readmeVi(pkg, files, manifest);
    files.push(await this.store.put(`${folder}/README.txt`, readme, { contentType: 'text/plain; charset=utf-8' }));
    return { mode: 'outbox', packageKey: folder, files: files.map(({ key, sha256, bytes }) => ({ key, sha256, bytes })) };
  }
}

/** Every missing source is reported at once: a non-retryable failure (the workflow's keys are wrong). */
export async function checkSources(store: ArtifactStore, pkg: ImportPackage) {
  const [excel, zip, manifest] = await Promise.all([pkg.excelKey, pkg.zipKey, pkg.manifestKey].map((k) => store.head(k)));
  const missing = [
    !excel && `tệp Excel ${pkg.excelKey}`,
    !zip && `tệp nén PDF ${pkg.zipKey}`,
    !manifest && `bảng kê ${pkg.manifestKey}`,
  ].filter(Boolean);
  if (missing.length) {
    throw badInput('ImportPackageIncomplete', `gói nhập CSDLHTĐT của ${pkg.workflowId} thiếu: ${missing.join('; ')}`);
  }
  return { excel: excel!, zip: zip!, manifest: manifest! };
}

function readmeVi(pkg: ImportPackage, files: StoredObject[], m: ReturnType<typeof manifestFigures>): string {
  const b: Book = pkg.book;
  const name = (k: string) => k.split('/').pop()!;
  const [excel, zip, manifest] = files as [StoredObject, StoredObject, StoredObject];
  const lines = [
    'GÓI DỮ LIỆU NHẬP VÀO CƠ SỞ DỮ LIỆU HỘ TỊCH ĐIỆN TỬ (CSDLHTĐT)',
    '',
    `Sổ: ${bookTitleVi(b)}`,
    `Mã quy trình: ${pkg.workflowId}`,
    `Số bản ghi cần nhập: ${pkg.records}`,
    m ? `Bản quét: ${m.pdfs} tệp PDF, ${m.pages} trang` : 'Bản quét: xem bảng kê',
    '',
    'Các tệp trong gói:',
    `  1. ${name(excel.key)} — tệp Excel dữ liệu đã kiểm tra (mỗi dòng một trường hợp đăng ký)`,
    `     SHA-256: ${excel.sha256}`,
    `  2. ${name(zip.key)} — tệp nén các bản PDF của sổ (mỗi trường hợp một tệp PDF)`,
    `     SHA-256: ${zip.sha256}`,
    `  3. ${name(manifest.key)} — bảng kê tệp PDF (tên, số trang, dung lượng, mã SHA-256)`,
    `     SHA-256: ${manifest.sha256}`,
    '',
    'Cán bộ thực hiện:',
    '  1. Tải các tệp trên về máy; kiểm tra mã SHA-256 nếu cần (lệnh sha256sum).',
    '  2. Đăng nhập phần mềm đăng ký, quản lý hộ tịch điện tử dùng chung của Bộ Tư pháp.',
    `  3. Dùng chức năng nhập dữ liệu sổ hộ tịch từ tệp Excel: tải lên tệp ${name(excel.key)}.`,
    `  4. Tải lên tệp nén ${name(zip.key)} để đính kèm bản PDF cho từng trường hợp.`,
    '  5. Ghi lại số bản ghi nhập thành công và số bản ghi lỗi mà phần mềm báo.',
    '  6. Trên sohoa, mở sổ này và chọn "Xác nhận đã nhập CSDLHTĐT", nhập số bản ghi thành công',
    '     và số bản ghi lỗi (kèm ghi chú lỗi nếu có).',
    '',
    'Không sửa các tệp trong gói. Nếu phần mềm báo lỗi dữ liệu, báo lại để sửa tệp Excel và lập gói mới.',
    '',
  ];
  return lines.join('\r\n').normalize('NFC');
}
