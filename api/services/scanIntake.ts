import type { FastifyRequest } from 'fastify';
import { intakeScans, IntakeError } from '../../activities/scans/intake';
import { limitsOf } from '../../clients/config';
import type { ArtifactStore } from '../../clients/storage/types';
import type { Book } from '../../domain/book';
import type { AppContext } from '../context';
import { ApiError } from '../errors';
import { onWorker, refusalOf } from './onWorker';
import { fileTooLarge, requestFiles, SCAN_EXTS, TooLarge } from './requestFiles';

/**
 * A contractor's delivery for a book: loose PDFs and page images are streamed into the store here, a
 * zip is stored as it came and unpacked by a worker (a bomb costs a worker's attempt, never the API).
 * Every problem of the delivery comes back as one 400/413 listing them; nothing of it is kept then.
 */
export async function takeScans(ctx: AppContext, store: ArtifactStore, req: FastifyRequest, book: Book) {
  const maxBytes = ctx.config.SOHOA_MAX_UPLOAD_MB * 1024 * 1024;
  const budget = { used: 0, max: maxBytes };
  let here;
  try {
    here = await intakeScans(store, { book, files: requestFiles(req, budget, SCAN_EXTS, 'ban-quet.zip'), maxBytes, limits: limitsOf(ctx.config), zips: 'stash' });
  } catch (e) {
    if (e instanceof IntakeError) throw new ApiError(e.code, e.message, e.details);
    if (fileTooLarge(e)) throw new TooLarge(maxBytes, 'tệp');
    throw e;
  }
  const { uploadId, uploadPrefix, stashed, storedSoFar } = here;
  if (!stashed.length) return { uploadId, uploadPrefix, files: here.files, bytes: here.bytes };
  try {
    const out = await onWorker(ctx, 'unpackScanDelivery', { book, uploadId, zips: stashed, earlier: storedSoFar, maxBytes }, stashed[0]!.name);
    if ('refused' in out) throw refusalOf(out.refused, stashed[0]!.name);
    return { uploadId, uploadPrefix, ...out.unpacked };
  } catch (e) {
    // The worker removed the delivery on bad input; a timeout or a lost worker must not leave it either.
    await store.deletePrefix(uploadPrefix).catch(() => undefined);
    throw e;
  }
}
