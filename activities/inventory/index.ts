import { Readable } from 'node:stream';
import { DEFAULT_LIMITS, type Limits } from '../../clients/config';
import type { ArtifactStore } from '../../clients/storage/types';
import { badInput } from '../failures';
import { readInventory, type InventoryFormat } from './parse';

export { formatOf, readInventory, type InventoryFormat, type InventoryLimits, type InventoryRow } from './parse';

export interface ParseInventoryInput {
  /** The uploaded file in the store, and its sha256 as the API stored it. */
  key: string;
  sha256: string;
  fileName: string;
  format: InventoryFormat;
  /** Where to write the rows (one JSON line per row). */
  rowsKey: string;
}

export interface ParseInventoryResult {
  rows: number;
  rowsKey: string;
}

export interface InventoryActivities {
  parseInventory(input: ParseInventoryInput): Promise<ParseInventoryResult>;
}

/** Bytes an inventory may weigh (the API refuses more before storing it). */
export const MAX_INVENTORY_BYTES = 32 * 1024 * 1024;

/**
 * Reads an uploaded inventory on the worker, where running out of memory costs a retry and not
 * the API: the rows go to the store as JSON lines (claim check), each the book's cells or why the
 * row cannot be one.
 */
export function createInventoryActivities(deps: { store: ArtifactStore; limits?: Limits }): InventoryActivities {
  const limits = deps.limits ?? DEFAULT_LIMITS;
  return {
    async parseInventory(input) {
      const head = await deps.store.head(input.key);
      if (!head) throw badInput('BadRequest', `tệp ${input.fileName} không còn trong kho (${input.key})`);
      if (head.sha256 !== input.sha256) throw badInput('Conflict', `tệp ${input.fileName} trong kho không khớp sha256 đã nhận`);
      if (head.bytes > MAX_INVENTORY_BYTES) throw badInput('PayloadTooLarge', `tệp ${input.fileName} vượt quá ${MAX_INVENTORY_BYTES / 1024 / 1024} MB`);
      const buf = await deps.store.getBuffer(input.key);
      let rows = 0;
      async function* lines() {
        for await (const r of readInventory(buf, input.fileName, input.format, limits)) {
          rows++;
          yield `${JSON.stringify(r)}\n`;
        }
      }
      await deps.store.put(input.rowsKey, Readable.from(lines()), { contentType: 'application/x-ndjson' });
      return { rows, rowsKey: input.rowsKey };
    },
  };
}
