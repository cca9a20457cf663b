import { SaxesParser } from 'saxes';
import { StringDecoder } from 'node:string_decoder';

export interface XmlHandlers {
  /** Names come without their namespace prefix (`x:row` → `row`). */
  open?(name: string, attrs: Record<string, string>): void;
  text?(text: string): void;
  close?(name: string): void;
}

const local = (name: string) => name.slice(name.indexOf(':') + 1);
// Pieces fed to the parser at once: what the handlers gather between two yields stays small.
const PIECE = 64 * 1024;

/**
 * Feeds XML bytes to a SAX parser, yielding after every piece so the caller can take what the
 * handlers gathered. The parser holds a text or a tag whole until its end, so a run of more than
 * `maxRun` bytes without a `<` is refused (`tooLong`) before the parser is given it.
 */
export async function* parseXml(chunks: AsyncIterable<Buffer>, h: XmlHandlers, maxRun: number, tooLong: () => Error): AsyncGenerator<void> {
  const parser = new SaxesParser();
  if (h.open) parser.on('opentag', (t) => h.open!(local(t.name), t.attributes));
  if (h.text) {
    parser.on('text', h.text);
    parser.on('cdata', h.text);
  }
  if (h.close) parser.on('closetag', (t) => h.close!(local(t.name)));
  const decoder = new StringDecoder('utf8');
  let run = 0;
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += PIECE) {
      const piece = chunk.subarray(at, at + PIECE);
      for (let i = 0; ; ) {
        const lt = piece.indexOf(0x3c, i);
        run += (lt < 0 ? piece.length : lt) - i;
        if (run > maxRun) throw tooLong();
        if (lt < 0) break;
        run = 0;
        i = lt + 1;
      }
      parser.write(decoder.write(piece));
      yield;
    }
  }
  parser.write(decoder.end());
  parser.close();
  yield;
}
