import type { Reference } from './types';

/**
 * The reference answer (`GET /api/reference`) for the helpers that run outside components: labels
 * and dates. Installed at sign-in, before any screen that shows them renders.
 */
let current: Reference | undefined;

export function installReference(reference: Reference): void {
  current = reference;
}

/** A value built once from the installed reference (label maps, date formats), rebuilt if it changes. */
export function fromReference<T>(build: (r: Reference) => T): () => T {
  let builtFrom: Reference | undefined;
  let value: T;
  return () => {
    if (!current) throw new Error('reference data not loaded (GET /api/reference)');
    if (builtFrom !== current) {
      value = build(current);
      builtFrom = current;
    }
    return value;
  };
}
