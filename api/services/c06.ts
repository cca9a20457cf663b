import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { C06Format, C06IntakeResult } from '../../activities/c06';
import type { ArtifactStore } from '../../clients/storage/types';
import type { Actor } from '../../domain/actors';
import type { CandidateBook } from '../../domain/c06';
import type { RegisterType } from '../../domain/registerTypes';
import type { AppContext } from '../context';
import { onWorker } from './onWorker';
import { uploadError, type Budget } from './requestFiles';

/** The uploader's scope as the C06 batch keys name it: a batch is matched and kept per scope. */
export const c06ScopeOf = (actor: Pick<Actor, 'scope' | 'agencyCode'>) => `${actor.scope}-${actor.agencyCode}`;

/**
 * A C06 batch taken in by a worker: the API stores the file (with its sha256) and the caller's
 * candidate books, a worker reads and matches it against those books only, and the API reads the
 * batch's report back. The same file from another scope is matched again, never answered from
 * another scope's report.
 */
export async function intakeOnWorker(
  ctx: Pick<AppContext, 'client' | 'config' | 'units'>,
  store: ArtifactStore,
  actor: Actor,
  file: { name: string; body: Readable; format: C06Format; type?: RegisterType },
  candidates: CandidateBook[],
  budget: Budget,
): Promise<C06IntakeResult> {
  const incoming = `c06/incoming/${randomUUID()}`;
  const key = `${incoming}.${file.format}`;
  const candidatesKey = `${incoming}.candidates.json`;
  try {
    let stored;
    try {
      stored = await store.put(key, file.body);
    } catch (e) {
      throw uploadError(e, budget.max, file.name, budget.setting);
    }
    await store.put(candidatesKey, JSON.stringify(candidates), { contentType: 'application/json' });
    const out = await onWorker(
      ctx,
      'intakeC06Upload',
      {
        key,
        sha256: stored.sha256,
        format: file.format,
        fileName: file.name,
        ...(file.type ? { type: file.type } : {}),
        scope: c06ScopeOf(actor),
        candidatesKey,
        districts: ctx.units.districts.map(({ code, name }) => ({ code, name })),
      },
      file.name,
    );
    const report = JSON.parse((await store.getBuffer(out.reportKey)).toString('utf8')) as C06IntakeResult;
    return { ...report, unchanged: out.unchanged };
  } finally {
    await Promise.all([store.delete(key), store.delete(candidatesKey)].map((p) => p.catch(() => undefined)));
  }
}
