import type { Limits } from '../../clients/config';
import { LimitExceeded } from '../limits';
import { maxRunBytes } from './cells';
import { parseXml } from './xml';
import type { WorkbookZip } from './zip';

const BLOCK = 1024 * 1024;

/**
 * Shared strings packed as UTF-8 in 1 MB blocks: no string object per entry, and nothing of the
 * parser's text kept alive (a string sliced from a chunk would hold the whole chunk).
 */
export class StringTable {
  private readonly blocks: Buffer[] = [];
  private used = 0;
  private readonly block: number[] = [];
  private readonly start: number[] = [];
  private readonly end: number[] = [];

  get size(): number {
    return this.block.length;
  }

  add(s: string): void {
    const bytes = Buffer.byteLength(s);
    const last = this.blocks.at(-1);
    if (!last || this.used + bytes > last.length) {
      this.blocks.push(Buffer.allocUnsafe(Math.max(BLOCK, bytes)));
      this.used = 0;
    }
    this.blocks.at(-1)!.write(s, this.used);
    this.block.push(this.blocks.length - 1);
    this.start.push(this.used);
    this.used += bytes;
    this.end.push(this.used);
  }

  get(i: number): string | undefined {
    const b = this.block[i];
    return b === undefined ? undefined : this.blocks[b]!.toString('utf8', this.start[i], this.end[i]);
  }
}

type StringLimits = Pick<Limits, 'SOHOA_MAX_SHARED_STRINGS' | 'SOHOA_MAX_SHARED_STRINGS_CHARS' | 'SOHOA_MAX_CELL_CHARS'>;

/**
 * Reads `xl/sharedStrings.xml` (a string's runs joined, phonetic guides left out), refusing it as
 * soon as it holds too many strings, too many characters in all, or one string that is too long.
 */
export async function readSharedStrings(zip: WorkbookZip, limits: StringLimits, file: string): Promise<StringTable> {
  const table = new StringTable();
  const part = 'xl/sharedStrings.xml';
  if (!zip.has(part)) return table;
  let total = 0;
  let current: string | undefined;
  let inText = false;
  let phonetic = 0;
  const tooLong = () => new LimitExceeded('SOHOA_MAX_CELL_CHARS', `tệp ${file}: chuỗi dùng chung thứ ${table.size + 1} dài hơn ${limits.SOHOA_MAX_CELL_CHARS} ký tự`);
  const handlers = {
    open(name: string) {
      if (name === 'si') current = '';
      else if (name === 'rPh') phonetic++;
      else if (name === 't' && phonetic === 0) inText = true;
    },
    text(t: string) {
      if (!inText || current === undefined) return;
      current += t;
      if (current.length > limits.SOHOA_MAX_CELL_CHARS) throw tooLong();
    },
    close(name: string) {
      if (name === 't') inText = false;
      else if (name === 'rPh') phonetic--;
      else if (name === 'si' && current !== undefined) {
        if (table.size >= limits.SOHOA_MAX_SHARED_STRINGS) {
          throw new LimitExceeded('SOHOA_MAX_SHARED_STRINGS', `tệp ${file}: có hơn ${limits.SOHOA_MAX_SHARED_STRINGS} chuỗi dùng chung (shared strings)`);
        }
        total += current.length;
        if (total > limits.SOHOA_MAX_SHARED_STRINGS_CHARS) {
          throw new LimitExceeded('SOHOA_MAX_SHARED_STRINGS_CHARS', `tệp ${file}: các chuỗi dùng chung dài hơn ${limits.SOHOA_MAX_SHARED_STRINGS_CHARS} ký tự cộng lại`);
        }
        table.add(current);
        current = undefined;
      }
    },
  };
  for await (const _ of parseXml(zip.read(part), handlers, maxRunBytes(limits), tooLong)) void _;
  return table;
}
