import type { SearchAttributePair } from '@temporalio/common';
import type { WorkflowInfo } from '@temporalio/workflow';

/**
 * What the book's search attributes and memo hold, key by key, so that an upsert carries only what
 * changed: most of a book's memo (its title, unit, number) never changes after the start request set
 * it, and its search attributes change a few at a time. A memo key no longer published is removed.
 */
export class SentKeys {
  private readonly attributes = new Map<string, string>();
  private readonly memo = new Map<string, string>();

  /** Seeded with what the run started with (the start request's, or the previous run's). */
  constructor(info: WorkflowInfo) {
    for (const p of info.typedSearchAttributes.getAll()) this.attributes.set(p.key.name, JSON.stringify(p.value));
    for (const [k, v] of Object.entries(info.memo ?? {})) this.memo.set(k, JSON.stringify(v));
  }

  changedAttributes(pairs: SearchAttributePair[]): SearchAttributePair[] {
    return pairs.filter((p) => changed(this.attributes, p.key.name, p.value));
  }

  /** The memo keys to upsert (undefined removes one of ours), or undefined when none changed. */
  changedMemo(memo: Record<string, unknown>, ours: readonly string[]): Record<string, unknown> | undefined {
    const out: Record<string, unknown> = {};
    for (const key of ours) if (changed(this.memo, key, memo[key])) out[key] = memo[key];
    return Object.keys(out).length ? out : undefined;
  }
}

function changed(sent: Map<string, string>, key: string, value: unknown): boolean {
  const json = value === undefined ? undefined : JSON.stringify(value);
  if (sent.get(key) === json) return false;
  if (json === undefined) sent.delete(key);
  else sent.set(key, json);
  return true;
}
