import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { Limits } from '../../clients/config';
import { LimitExceeded } from '../limits';

export type CsvLimits = Pick<Limits, 'SOHOA_MAX_ROW_CELLS' | 'SOHOA_MAX_CELL_CHARS'>;

/**
 * Streaming RFC 4180 reader: quoted fields may hold the delimiter, `""` and line breaks; CRLF or LF;
 * a UTF-8 BOM is dropped. The delimiter is guessed from the first line (`,` `;` or tab: Vietnamese
 * Excel exports with `;`). Yields one array of fields per record, holding one chunk in memory; a
 * record with too many fields or a field too long (an unclosed quote swallowing the file) is
 * refused as soon as it is seen.
 */
export async function* readCsvRecords(input: Readable | AsyncIterable<Buffer | string>, limits: CsvLimits, file: string): AsyncGenerator<{ line: number; fields: string[] }> {
  const decoder = new StringDecoder('utf8');
  let delimiter: string | undefined;
  let pending = '';
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let afterQuote = false;
  let line = 1;
  let recordLine = 1;
  let first = true;
  const checkField = () => {
    if (field.length > limits.SOHOA_MAX_CELL_CHARS) throw new LimitExceeded('SOHOA_MAX_CELL_CHARS', `tệp ${file}: dòng ${recordLine}: ô dài hơn ${limits.SOHOA_MAX_CELL_CHARS} ký tự`);
  };
  const endField = () => {
    checkField();
    fields.push(field);
    field = '';
    if (fields.length > limits.SOHOA_MAX_ROW_CELLS) throw new LimitExceeded('SOHOA_MAX_ROW_CELLS', `tệp ${file}: dòng ${recordLine}: có hơn ${limits.SOHOA_MAX_ROW_CELLS} ô`);
  };

  const parse = function* (text: string, final: boolean): Generator<{ line: number; fields: string[] }> {
    let i = 0;
    const n = text.length;
    while (i < n) {
      const c = text[i]!;
      if (quoted) {
        if (c === '"') {
          if (i + 1 >= n && !final) return void (pending = text.slice(i)); // need the next char to decide
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          quoted = false;
          afterQuote = true;
          i++;
          continue;
        }
        if (c === '\n') line++;
        field += c;
        i++;
        continue;
      }
      if (c === '"' && field === '' && !afterQuote) {
        quoted = true;
        i++;
        continue;
      }
      if (c === delimiter) {
        endField();
        afterQuote = false;
        i++;
        continue;
      }
      if (c === '\r' || c === '\n') {
        if (c === '\r') {
          if (i + 1 >= n && !final) return void (pending = text.slice(i));
          if (text[i + 1] === '\n') i++;
        }
        endField();
        const out = { line: recordLine, fields };
        fields = [];
        afterQuote = false;
        i++;
        line++;
        recordLine = line;
        if (!(out.fields.length === 1 && out.fields[0] === '')) yield out;
        continue;
      }
      // Text after a closing quote is kept as is (lenient, like spreadsheet programs).
      field += c;
      i++;
    }
    checkField();
    pending = '';
  };

  for await (const chunk of pieces(input)) {
    let text = pending + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    pending = '';
    if (first) {
      if (text.length === 0) continue;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      const nl = text.search(/[\r\n]/);
      if (nl < 0 && text.length < 65536) {
        pending = text; // wait for the whole first line to guess the delimiter
        continue;
      }
      delimiter = guessDelimiter(nl < 0 ? text : text.slice(0, nl));
      first = false;
    }
    yield* parse(text, false);
  }
  let rest = pending + decoder.end();
  if (first) {
    if (rest.charCodeAt(0) === 0xfeff) rest = rest.slice(1);
    delimiter = guessDelimiter(rest.split(/[\r\n]/)[0] ?? '');
  }
  pending = '';
  yield* parse(rest, true);
  if (quoted) throw new Error(`CSV: dấu ngoặc kép mở ở dòng ${recordLine} không được đóng`);
  if (field !== '' || fields.length > 0) {
    endField();
    yield { line: recordLine, fields };
  }
}

// Chunks cut to at most 64 k, so a field's length is checked at least that often.
const PIECE = 64 * 1024;
async function* pieces(input: Readable | AsyncIterable<Buffer | string>): AsyncGenerator<Buffer | string> {
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    for (let at = 0; at < chunk.length; at += PIECE) yield typeof chunk === 'string' ? chunk.slice(at, at + PIECE) : chunk.subarray(at, at + PIECE);
  }
}

function guessDelimiter(header: string): string {
  const count = (d: string) => header.split(d).length - 1;
  const best = [',', ';', '\t'].map((d) => [d, count(d)] as const).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] > 0 ? best[0] : ',';
}
