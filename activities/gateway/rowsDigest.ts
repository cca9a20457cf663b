import { createHash } from 'node:crypto';
import type { ArtifactStore } from '../../clients/storage/types';
import { readDataSheet } from '../excel/read';

/**
 * sha256 of the records a workbook holds (its data sheet's cell text, row by row, blank rows and
 * trailing blank cells left out), or undefined when the file is not a workbook. Saving the same
 * rows again (exceljs writes the save time into the file) gives the same digest; any changed cell
 * gives another.
 */
export async function rowsDigest(store: ArtifactStore, key: string): Promise<string | undefined> {
  const hash = createHash('sha256');
  const outcome = await readDataSheet(
    await store.get(key),
    (name) => hash.update(`${name}\n`),
    (_row, cells) => {
      let end = cells.length;
      while (end > 0 && cells[end - 1] === '') end--;
      if (end > 0) hash.update(`${cells.slice(0, end).join('\t')}\n`);
    },
  );
  return outcome.notZip || outcome.parseError || !outcome.sheet ? undefined : hash.digest('hex');
}
