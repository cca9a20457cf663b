import { download, upload } from '../../api';
import type { ExcelUploadResponse, ScansUploadResponse } from '../../types';
import { typeCode } from '../../labels';
import { zipStore } from '../../zip';
import { DropZone } from '../DropZone';
import { int, NumberField, TextField } from './fields';
import type { FormSpec } from './types';

/**
 * The contractor's or clerk's uploads: the files go up first (without submitting), then the action
 * reports them under the upload's own idempotency key, so a retried report is the same report.
 */

export const scansUploadedForm: FormSpec = {
  primary: true,
  submitLabel: 'Tải lên và báo hoàn thành',
  Fields: (form) => (
    <>
      <div class="field wide">
        <span class="label">Bản quét</span>
        <DropZone
          id="scan-files"
          accept=".pdf,.jpg,.jpeg,.png,.zip,application/pdf,image/jpeg,image/png,application/zip"
          multiple
          folders
          files={form.files}
          onFiles={form.setFiles}
          disabled={form.busy}
          hint="Mỗi hồ sơ một tệp PDF đặt tên theo quy ước (ví dụ KS.2017.01.2017-02-03.05.pdf), hoặc ảnh trang JPEG/PNG trong thư mục mang tên hồ sơ, hoặc một tệp .zip của chúng."
        />
      </div>
      <NumberField form={form} name="declaredPdfs" label="Số tệp PDF (nếu biết)" />
      <NumberField form={form} name="declaredPages" label="Số trang (nếu biết)" />
      <TextField form={form} name="note" label="Ghi chú" />
    </>
  ),
  send: async ({ v, files, base, act, setProgress, setPacking }) => {
    if (!files.length) throw new Error('Chưa chọn tệp bản quét nào.');
    // Page images in case folders travel as one zip: multipart file names would lose the folders.
    let sending: File[] = files;
    if (files.some((f) => (f.relativePath ?? '').includes('/'))) {
      const blob = await zipStore(
        files.map((f) => ({ path: f.relativePath ?? f.name, file: f })),
        (done, total) => setPacking({ done, total }),
      );
      setPacking(undefined);
      sending = [new File([blob], 'ban-quet.zip', { type: 'application/zip' })];
    }
    const up = await upload<ScansUploadResponse>('PUT', `${base}/scans`, sending, setProgress, { query: { submit: 'false' } });
    return act({ uploadPrefix: up.uploadPrefix, declaredPdfs: int(v('declaredPdfs')), declaredPages: int(v('declaredPages')), note: v('note') || undefined }, `scans:${up.uploadId}`);
  },
};

export const excelUploadedForm: FormSpec = {
  primary: true,
  submitLabel: 'Tải lên và báo hoàn thành',
  Fields: (form) => {
    const code = typeCode(form.status.book.type);
    return (
      <>
        <div class="field wide">
          <span class="label">Tệp Excel (.xlsx)</span>
          <DropZone
            id="excel-file"
            accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            multiple={false}
            files={form.files}
            onFiles={form.setFiles}
            disabled={form.busy}
            hint="Theo mẫu nhập liệu của loại sổ; mỗi trường hợp một dòng."
          />
          <button type="button" class="link" onClick={() => void download(`/api/templates/${code}.xlsx`, `mau-${code}.xlsx`).catch(form.setError)}>
            Tải mẫu Excel {code}
          </button>
        </div>
        <NumberField form={form} name="records" label="Số dòng dữ liệu (nếu biết)" />
        <TextField form={form} name="note" label="Ghi chú" />
      </>
    );
  },
  send: async ({ v, files, base, act, setProgress }) => {
    if (!files[0]) throw new Error('Chưa chọn tệp Excel.');
    const up = await upload<ExcelUploadResponse>('PUT', `${base}/excel`, files.slice(0, 1), setProgress, { query: { submit: 'false' } });
    return act({ excelKey: up.excelKey, sha256: up.sha256, records: int(v('records')), note: v('note') || undefined }, `excel:${up.sha256.slice(0, 40)}`);
  },
};
