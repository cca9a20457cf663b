import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Scanned pages with real text on them, drawn by ImageMagick (`convert`, from
 * scripts/install-system-deps.sh): a printed civil-status form filled in print, or the same
 * form filled in a slanted, wavering hand-like script. Deterministic for the same arguments.
 */
const SURNAMES = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Võ', 'Đặng', 'Bùi'];
const NAMES = ['Văn An', 'Thị Bình', 'Minh Châu', 'Quốc Dũng', 'Thu Hà', 'Đức Khải', 'Ngọc Lan', 'Thành Nam', 'Bảo Phúc', 'Hữu Tâm'];
const PLACES = ['Tam Kỳ', 'Hội An', 'Điện Bàn', 'Thăng Bình', 'Núi Thành', 'Duy Xuyên', 'Quế Sơn', 'Đại Lộc'];

export interface PageSpec {
  seed: number;
  /** `hand`: the fields in a slanted, wavering script over the printed form. */
  style?: 'print' | 'hand';
  dpi?: number;
  /** Turned by ImageMagick after drawing (degrees clockwise; a few degrees is a skewed page). */
  rotate?: number;
  /** A scan too dark (grey paper) or washed out (the ink faded to light grey). */
  tone?: 'dark' | 'faded';
  /** Size in pixels; A5 at 200 dpi by default (smaller ones weaken tesseract's orientation guess). */
  width?: number;
  height?: number;
  format?: 'jpg' | 'png';
  quality?: number;
}

/** The fields written on page `seed`, as a search would look for them. */
export function fieldsOf(seed: number) {
  const name = `${SURNAMES[seed % SURNAMES.length]} ${NAMES[Math.floor(seed / SURNAMES.length) % NAMES.length]}`;
  const date = `${String((seed % 28) + 1).padStart(2, '0')}/${String((seed % 12) + 1).padStart(2, '0')}/${1960 + (seed % 40)}`;
  return { name, date, place: PLACES[seed % PLACES.length]!, number: String(100 + seed) };
}

export async function makePage(p: PageSpec): Promise<Buffer> {
  const { width = 1169, height = 1654, dpi = 200, style = 'print', format = 'jpg', quality = 85 } = p;
  const f = fieldsOf(p.seed);
  const pt = Math.round(height / 60);
  const args = ['-size', `${width}x${height}`, 'xc:white', '-fill', 'black', '-font', 'Liberation-Serif-Bold', '-pointsize', String(pt)];
  const at = (x: number, y: number, text: string) => args.push('-annotate', `+${Math.round(x * width)}+${Math.round(y * height)}`, text);
  at(0.12, 0.06, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
  at(0.25, 0.09, 'Độc lập - Tự do - Hạnh phúc');
  at(0.3, 0.15, 'GIẤY KHAI SINH');
  args.push('-font', 'Liberation-Serif', '-pointsize', String(Math.round(pt * 0.9)));
  const labels = ['Số:', 'Họ, chữ đệm, tên:', 'Ngày, tháng, năm sinh:', 'Nơi sinh:', 'Họ tên người mẹ:', 'Họ tên người cha:'];
  labels.forEach((l, i) => at(0.08, 0.24 + i * 0.07, l));
  args.push('-stroke', 'black', '-strokewidth', '1');
  labels.forEach((_, i) => args.push('-draw', `line ${Math.round(0.42 * width)},${Math.round((0.245 + i * 0.07) * height)} ${Math.round(0.92 * width)},${Math.round((0.245 + i * 0.07) * height)}`));
  args.push('+stroke');
  const values = [f.number, f.name, f.date, `${f.place}, Quảng Nam`, `${SURNAMES[(p.seed + 3) % 10]} Thị ${NAMES[(p.seed + 1) % 10]!.split(' ')[1]}`, `${SURNAMES[p.seed % 10]} ${NAMES[(p.seed + 5) % 10]}`];
  if (style === 'hand') {
    // A hand: italic, bigger, each line at its own slant, then the whole page wavers.
    args.push('-font', 'DejaVu-Serif-Italic', '-fill', '#1a2a6c', '-pointsize', String(Math.round(pt * 1.05)));
    values.forEach((v, i) => args.push('-draw', `translate ${Math.round(0.43 * width)},${Math.round((0.24 + i * 0.07) * height)} rotate ${((p.seed + i) % 5) - 2} text 0,0 '${v}'`));
    args.push('-wave', `${Math.max(2, Math.round(pt / 8))}x${Math.round(width / 5)}`, '-gravity', 'center', '-extent', `${width}x${height}`, '-gravity', 'northwest');
  } else {
    values.forEach((v, i) => at(0.43, 0.24 + i * 0.07, v));
  }
  if (p.rotate) args.push('-background', 'white', '-rotate', String(p.rotate));
  if (p.tone === 'dark') args.push('-brightness-contrast', '-65x0');
  if (p.tone === 'faded') args.push('+level', '78%,100%');
  args.push('-units', 'PixelsPerInch', '-density', String(dpi), '-quality', String(quality), '-strip', '-define', 'png:exclude-chunks=date,time');
  // -strip drops pHYs too; set the density back after it.
  args.push('-units', 'PixelsPerInch', '-density', String(dpi), `${format}:-`);
  const { stdout } = await run('convert', args, { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** A blank sheet as a scanner gives it: white with a little paper grain. */
export async function blankPage(p: { dpi?: number; width?: number; height?: number } = {}): Promise<Buffer> {
  const { width = 1169, height = 1654, dpi = 200 } = p;
  const { stdout } = await run('convert', ['-size', `${width}x${height}`, 'xc:#f4f4f0', '-seed', '7', '-attenuate', '0.2', '+noise', 'Gaussian', '-units', 'PixelsPerInch', '-density', String(dpi), '-quality', '85', '-strip', '-units', 'PixelsPerInch', '-density', String(dpi), 'jpg:-'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}
