import { PDFArray, PDFDict, PDFName, PDFRef, PDFStream, PDFString, PDFHexString, type PDFDocument, type PDFObject } from 'pdf-lib';

const name = (s: string) => PDFName.of(s);
// Keys whose value runs or hides something: scripts, automatic actions, chained actions, embedded files, XFA forms.
const ACTIVE_KEYS = ['JS', 'JavaScript', 'AA', 'OpenAction', 'Next', 'EmbeddedFiles', 'EF', 'XFA'].map(name);
// What a link or a bookmark may still do: go to a page, open a web address.
const SAFE_ACTIONS = new Set([name('GoTo'), name('URI')]);
const A = name('A');
const S = name('S');
const URI = name('URI');

/** Every dictionary inside an object (arrays and dictionaries nested directly; references not followed). */
function* dictsIn(obj: PDFObject): Generator<PDFDict> {
  const stack: PDFObject[] = [obj];
  while (stack.length) {
    const o = stack.pop()!;
    const dict = o instanceof PDFStream ? o.dict : o instanceof PDFDict ? o : undefined;
    if (dict) {
      yield dict;
      stack.push(...dict.entries().map(([, v]) => v));
    } else if (o instanceof PDFArray) stack.push(...o.asArray());
  }
}

/** Whether the value of an /A key is an action that must go: any but GoTo, or a URI to `javascript:`. */
function unsafeAction(doc: PDFDocument, value: PDFObject | undefined): boolean {
  const action = doc.context.lookup(value);
  const type = action instanceof PDFDict ? action.get(S) : undefined;
  if (!(type instanceof PDFName)) return false; // not an action: /A means something else there
  if (!SAFE_ACTIONS.has(type)) return true;
  const uri = doc.context.lookup((action as PDFDict).get(URI));
  return (uri instanceof PDFString || uri instanceof PDFHexString) && /^\s*javascript:/i.test(uri.decodeText());
}

/** Deletes every object that the trailer (catalog, info) no longer leads to. */
function dropUnreachable(doc: PDFDocument): void {
  const ctx = doc.context;
  const reached = new Set<PDFRef>();
  const stack: PDFObject[] = [ctx.trailerInfo.Root, ctx.trailerInfo.Info].filter((o): o is PDFObject => o !== undefined);
  while (stack.length) {
    const o = stack.pop()!;
    if (o instanceof PDFRef) {
      if (reached.has(o)) continue;
      reached.add(o);
      const target = ctx.lookup(o);
      if (target) stack.push(target);
    } else if (o instanceof PDFStream) stack.push(o.dict);
    else if (o instanceof PDFDict) stack.push(...o.entries().map(([, v]) => v));
    else if (o instanceof PDFArray) stack.push(...o.asArray());
  }
  let largest = 0;
  for (const [ref] of ctx.enumerateIndirectObjects()) {
    if (!reached.has(ref)) ctx.delete(ref);
    else largest = Math.max(largest, ref.objectNumber);
  }
  // The trailer's /Size comes from it: one past the last object left.
  ctx.largestObjectNumber = largest;
}

/**
 * Takes out of a PDF what could run or hide something when a clerk opens it: JavaScript (document
 * scripts, actions, form field scripts), automatic actions (OpenAction, AA), actions other than
 * GoTo and URI (Launch, SubmitForm, ImportData…), chained actions, embedded files and XFA forms;
 * then the objects nothing leads to any more (the scripts' and files' own streams). Returns the
 * keys found, once each; when none, the document is left as it was.
 */
export function sanitisePdf(doc: PDFDocument): string[] {
  const found = new Set<string>();
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    for (const dict of dictsIn(obj)) {
      for (const key of ACTIVE_KEYS) if (dict.delete(key)) found.add(key.decodeText());
      if (dict.has(A) && unsafeAction(doc, dict.get(A))) {
        dict.delete(A);
        found.add('A');
      }
    }
  }
  if (found.size) dropUnreachable(doc);
  return [...found];
}
