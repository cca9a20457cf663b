import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { noticeSchema, type Notice } from '../domain/notices';

/**
 * Reminders and overdue notices, one JSON file each under `{root}/{province}/{district}/{agency}/`.
 * The notice id is stable per event, so a retried write is a no-op; writes are temp-then-rename.
 */
export class FileOutbox {
  constructor(private readonly root: string) {}

  private dir(n: Pick<Notice, 'provinceCode' | 'districtCode' | 'agencyCode'>) {
    return join(this.root, n.provinceCode, n.districtCode, n.agencyCode);
  }

  async write(notice: Notice): Promise<void> {
    const dir = this.dir(notice);
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${encodeURIComponent(notice.id)}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(notice));
    await rename(tmp, file);
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
