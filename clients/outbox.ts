import { link, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { noticeSchema, type Notice } from '../domain/notices';

/**
 * Notices, one JSON file each under `{root}/{province}/{district}/{agency}/`. The notice id is
 * stable per event, so a retried write is a no-op; writes are temp-then-rename (or temp-then-link).
 */
export class FileOutbox {
  constructor(private readonly root: string) {}

  private dir(n: Pick<Notice, 'provinceCode' | 'districtCode' | 'agencyCode'>) {
    return join(this.root, n.provinceCode, n.districtCode, n.agencyCode);
  }

  private async fileOf(notice: Notice): Promise<{ file: string; tmp: string }> {
    const dir = this.dir(notice);
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${encodeURIComponent(notice.id)}.json`);
    return { file, tmp: `${file}.${process.pid}.tmp` };
  }

  async write(notice: Notice): Promise<void> {
    const { file, tmp } = await this.fileOf(notice);
    await writeFile(tmp, JSON.stringify(notice));
    await rename(tmp, file);
  }

  /**
   * Writes the notice unless one with its id is there already (its first wording stands); true when
   * written. For notices that a re-run must not repeat or reword: a link never replaces a file.
   */
  async writeOnce(notice: Notice): Promise<boolean> {
    const { file, tmp } = await this.fileOf(notice);
    await writeFile(tmp, JSON.stringify(notice));
    try {
      await link(tmp, file);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** Notices under a province, district or agency folder path (e.g. ['49'], ['49','502']), newest first. */
  async list(path: string[] = [], limit = 500): Promise<Notice[]> {
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (e.isDirectory()) await walk(join(dir, e.name));
        else if (e.name.endsWith('.json')) files.push(join(dir, e.name));
      }
    };
    await walk(join(this.root, ...path));
    const notices = await Promise.all(files.map(async (f) => noticeSchema.parse(JSON.parse(await readFile(f, 'utf8')))));
    return notices.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, limit);
  }
}
