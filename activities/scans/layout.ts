/**
 * How a contractor's delivery is laid out under an upload prefix, shared by intake (which writes
 * it) and packageScans (which reads it):
 *   `<prefix>/<case>.pdf`            a case delivered as a PDF, named by the convention;
 *   `<prefix>/<case>/<page>.jpg|png` a case delivered as page images, folder = the PDF's stem.
 */

export const IMAGE_EXTS = ['jpg', 'jpeg', 'png'] as const;
export type ImageKind = 'jpeg' | 'png';

export type UploadEntry =
  | { kind: 'pdf'; path: string; name: string }
  | { kind: 'page'; path: string; caseName: string; page: string; image: ImageKind }
  | { kind: 'ignored'; path: string }
  | { kind: 'invalid'; path: string; problem: string };

const JUNK = /^(\.ds_store|thumbs\.db|desktop\.ini|\._.*)$/i;

export const TIFF_REFUSED =
  'ảnh TIFF chưa được nhận (chưa có thư viện đọc TIFF thuần JavaScript được dùng ở đây); xin chuyển sang JPEG hoặc PNG, hoặc gửi PDF';

const extOf = (name: string) => /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';

/**
 * Normalizes a delivered path (zip entry, multipart file name) to its stored layout: a PDF keeps
 * its file name, a page image keeps its folder and file name; wrappers around them (a top folder
 * in a zip) are dropped. Unicode is normalized to NFC (zips made on macOS carry NFD names).
 */
export function classifyDelivered(rawPath: string): UploadEntry {
  const path = rawPath.normalize('NFC').replace(/\\/g, '/');
  const segs = path.split('/').filter((s) => s !== '' && s !== '.');
  const base = segs.at(-1) ?? '';
  if (segs.length === 0 || path.endsWith('/')) return { kind: 'ignored', path };
  if (segs.includes('__MACOSX') || JUNK.test(base)) return { kind: 'ignored', path };
  if (segs.includes('..')) return { kind: 'invalid', path, problem: `${path}: đường dẫn không hợp lệ` };
  const ext = extOf(base);
  if (ext === 'pdf') return { kind: 'pdf', path: base, name: base };
  if (ext === 'tif' || ext === 'tiff') return { kind: 'invalid', path, problem: `${path}: ${TIFF_REFUSED}` };
  if ((IMAGE_EXTS as readonly string[]).includes(ext)) {
    const folder = segs.at(-2);
    if (!folder) return { kind: 'invalid', path, problem: `${path}: ảnh trang phải nằm trong thư mục mang tên hồ sơ (ví dụ KS.2017.01.2017-02-03.05/001.jpg)` };
    return { kind: 'page', path: `${folder}/${base}`, caseName: `${folder}.pdf`, page: base, image: ext === 'png' ? 'png' : 'jpeg' };
  }
  return { kind: 'invalid', path, problem: `${path}: loại tệp không được nhận (chỉ nhận PDF, JPEG, PNG hoặc tệp zip của chúng)` };
}

/** Reads an already stored upload: the path relative to the upload prefix must be in its stored layout. */
export function classifyStored(rel: string): UploadEntry {
  const segs = rel.split('/');
  if (segs.length > 2) return { kind: 'invalid', path: rel, problem: `${rel}: thư mục lồng nhau không được nhận` };
  const e = classifyDelivered(rel);
  if (e.kind === 'pdf' && segs.length !== 1) return { kind: 'invalid', path: rel, problem: `${rel}: tệp PDF phải nằm ngay trong thư mục tải lên` };
  return e;
}

/** Natural order of page file names: 2.jpg before 10.jpg, 001 before 002. */
export function comparePages(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'variant' }) || (a < b ? -1 : a > b ? 1 : 0);
}
