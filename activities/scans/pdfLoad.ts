import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { PDFContext, PDFDocument, type PDFObject, type PDFRef } from 'pdf-lib';
import type { Limits } from '../../clients/config';
import { LimitExceeded } from '../limits';

interface Bounds {
  objects: number;
  decodedBytes: number;
  parsed: number;
  /** The limit passed: pdf-lib reports any failure inside an object as an invalid object. */
  exceeded?: LimitExceeded;
}

const bounds = new AsyncLocalStorage<Bounds>();
const MB = 1024 * 1024;

function exceed(b: Bounds, e: LimitExceeded): never {
  b.exceeded ??= e;
  throw e;
}

// pdf-lib (1.17, its last release) parses every object of a file and inflates every object
// stream whole: a 1 MB PDF can unpack to gigabytes, a 23 MB one holds a million objects
// (440 MB parsed). Bounded here, only while a delivered PDF is being opened (`loadPdf`).
const assign = PDFContext.prototype.assign;
PDFContext.prototype.assign = function (this: PDFContext, ref: PDFRef, object: PDFObject): void {
  const b = bounds.getStore();
  if (b && ++b.parsed > b.objects) exceed(b, new LimitExceeded('SOHOA_MAX_PDF_OBJECTS', `PDF có hơn ${b.objects} đối tượng`));
  assign.call(this, ref, object);
};
type Growable = { ensureBuffer(requested: number): Uint8Array };
// Not exported by pdf-lib: the class its inflating streams grow their buffer through, from the
// same CommonJS build that `import 'pdf-lib'` loads.
const decodeStream = (createRequire(import.meta.url)('pdf-lib/cjs/core/streams/DecodeStream') as { default: { prototype: Growable } }).default.prototype;
const ensureBuffer = decodeStream.ensureBuffer;
decodeStream.ensureBuffer = function (this: Growable, requested: number): Uint8Array {
  const b = bounds.getStore();
  if (b && requested > b.decodedBytes) exceed(b, new LimitExceeded('SOHOA_MAX_PDF_MB', `PDF có một luồng dữ liệu bung ra hơn ${b.decodedBytes / MB} MB`));
  return ensureBuffer.call(this, requested);
};

// And a stream's contents are copied out of the file as it is parsed: a second copy of every
// scan. While bounded, they are views into the file's bytes instead (nothing writes into them).
type Sliceable = { bytes: Uint8Array; slice(start: number, end: number): Uint8Array };
const byteStream = (createRequire(import.meta.url)('pdf-lib/cjs/core/parser/ByteStream') as { default: { prototype: Sliceable } }).default.prototype;
const slice = byteStream.slice;
byteStream.slice = function (this: Sliceable, start: number, end: number): Uint8Array {
  return bounds.getStore() ? this.bytes.subarray(start, end) : slice.call(this, start, end);
};

const LOAD = { updateMetadata: false, parseSpeed: Infinity, throwOnInvalidObject: true } as const;

/** Opens a user's PDF with pdf-lib within the limits; past one, its LimitExceeded. */
export async function loadPdf(bytes: Uint8Array, limits: Pick<Limits, 'SOHOA_MAX_PDF_OBJECTS' | 'SOHOA_MAX_PDF_MB'>): Promise<PDFDocument> {
  const b: Bounds = { objects: limits.SOHOA_MAX_PDF_OBJECTS, decodedBytes: limits.SOHOA_MAX_PDF_MB * MB, parsed: 0 };
  try {
    return await bounds.run(b, () => PDFDocument.load(bytes, LOAD));
  } catch (e) {
    throw b.exceeded ?? e;
  }
}
