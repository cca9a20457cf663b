import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/**
 * Streaming RFC 4180 reader: quoted fields may hold the delimiter, `""` and line breaks; CRLF or LF;
 * a UTF-8 BOM is dropped. The delimiter is guessed from the first line (`,` `;` or tab: Vietnamese
 * Excel exports with `;`). Yields one array of fields per record, holding one chunk in memory.
 */
export async function* readCsvRecords(input: Readable | AsyncIterable<Buffer | string>): AsyncGenerator<{ line: number; fields: string[] }> {
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
        fields.push(field);
        field = '';
        afterQuote = false;
        i++;
        continue;
      }
      if (c === '\r' || c === '\n') {
        if (c === '\r') {
          if (i + 1 >= n && !final) return void (pending = text.slice(i));
          if (text[i + 1] === '\n') i++;
        }
        fields.push(field);
        const out = { line: recordLine, fields };
        field = '';
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
    pending = '';
  };

  for await (const chunk of input) {
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
    fields.push(field);
    yield { line: recordLine, fields };
  }
}

function guessDelimiter(header: string): string {
  const count = (d: string) => header.split(d).length - 1;
  const best = [',', ';', '\t'].map((d) => [d, count(d)] as const).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] > 0 ? best[0] : ',';
}
