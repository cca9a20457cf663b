import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactStore, StoredObject } from '../../clients/storage';
import { manifestSchema } from '../../activities/scans/types';
import { mapLimit } from '../../api/services/pool';
import { run } from '../scans/delivery';

export interface ArtifactCheck {
  manifests: number;
  zips: number;
  pdfs: number;
  /** One line per artifact that does not verify, naming its key and what the tool said. */
  problems: string[];
}

/** Runs a checking tool; its failure (non-zero exit) becomes a problem line. */
async function tool(problems: string[], what: string, cmd: string, args: string[], cwd?: string): Promise<void> {
  try {
    await run(cmd, args, { cwd });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    problems.push(`${what}: ${cmd} ${args[0]} failed: ${(err.stdout || err.stderr || err.message).trim().split('\n').slice(-3).join(' / ')}`);
  }
}

/**
 * Every book's packaged artifacts in the bucket, checked with the tools an auditor would use on a
 * download: the checksum file of every manifest with `sha256sum -c`, every zip with `unzip -t`,
 * every per-case PDF with `qpdf --check`. Books without a manifest (withdrawn mid-packaging) still
 * have whatever zip or PDFs they hold checked: nothing may be half-written.
 */
export async function checkArtifacts(store: ArtifactStore, scratch: string): Promise<ArtifactCheck> {
  const byBook = new Map<string, StoredObject[]>();
  for (const o of await store.list('books')) {
    const prefix = o.key.split('/').slice(0, 3).join('/');
    byBook.set(prefix, [...(byBook.get(prefix) ?? []), o]);
  }
  const out: ArtifactCheck = { manifests: 0, zips: 0, pdfs: 0, problems: [] };
  await mapLimit([...byBook], 4, async ([prefix, objects], i) => {
    const dir = join(scratch, `book-${i}`);
    await mkdir(dir, { recursive: true });
    const packaged = objects.filter((o) => o.key.startsWith(`${prefix}/pdf/`) || (o.key.split('/').length === 4 && /\.(zip|sha256)$/.test(o.key)));
    for (const o of packaged) await writeFile(join(dir, o.key.split('/').pop()!), await store.getBuffer(o.key));
    const names = packaged.map((o) => o.key.split('/').pop()!);
    const manifestObj = objects.find((o) => o.key.endsWith('.manifest.json'));
    if (manifestObj) {
      out.manifests++;
      // The manifest's own list (PDFs, zip, checksum file) as a sha256sum file, and the checksum file itself.
      const m = manifestSchema.safeParse(JSON.parse((await store.getBuffer(manifestObj.key)).toString('utf8')));
      if (!m.success) out.problems.push(`${manifestObj.key}: not a manifest: ${m.error.message}`);
      else {
        const lines = [...m.data.files.map((f) => [f.sha256, f.name]), [m.data.zip.sha256, m.data.zip.name], [m.data.checksums.sha256, m.data.checksums.key.split('/').pop()]];
        await writeFile(join(dir, 'manifest.sha256'), lines.map(([sha, name]) => `${sha}  ${name}\n`).join(''));
        await tool(out.problems, manifestObj.key, 'sha256sum', ['-c', '--strict', 'manifest.sha256'], dir);
        await tool(out.problems, m.data.checksums.key, 'sha256sum', ['-c', '--strict', m.data.checksums.key.split('/').pop()!], dir);
      }
    }
    for (const n of names.filter((x) => x.endsWith('.zip'))) {
      out.zips++;
      await tool(out.problems, `${prefix}/${n}`, 'unzip', ['-tq', join(dir, n)]);
    }
    for (const n of names.filter((x) => x.endsWith('.pdf'))) {
      out.pdfs++;
      await tool(out.problems, `${prefix}/pdf/${n}`, 'qpdf', ['--check', join(dir, n)]);
    }
    await rm(dir, { recursive: true, force: true });
  });
  return out;
}
