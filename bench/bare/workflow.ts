import { CancellationScope, condition, defineUpdate, proxyActivities, setHandler, sleep, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import { defineSearchAttributeKey, type SearchAttributePair, type SearchAttributeType } from '@temporalio/common';

/** The shape of a book's path, counted from a sohoa history: updates accepted, timers started, activities run. */
export interface Shape {
  updates: number;
  timers: number;
  activities: number;
}

/**
 * What a sohoa book sends Temporal beyond its shape, by size, read from its history: at each update the
 * search attributes it upserts (name and type), its memo keys (bytes of each) and the bytes of its answer;
 * the bytes of its result.
 */
export interface Commands {
  updates: { attributes: { name: string; type: SearchAttributeType }[]; memo: Record<string, number>; answerBytes: number }[];
  resultBytes: number;
}

export const bareAction = defineUpdate<unknown, [unknown]>('bareAction');
const { touch } = proxyActivities<{ touch(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

/** Temporal alone, no project code: a workflow with the same number of updates, timers and activities. */
export async function bareBook(shape: Shape, commands?: Commands): Promise<unknown> {
  let accepted = 0;
  setHandler(bareAction, () => {
    const sent = commands?.updates[accepted];
    accepted++;
    if (!sent) return accepted;
    // With `commands`: the same upserts and answer as the sohoa book, with values of the same sizes.
    if (sent.attributes.length) upsertSearchAttributes(sent.attributes.map((a) => valueOf(a.name, a.type, accepted)));
    if (Object.keys(sent.memo).length) upsertMemo(Object.fromEntries(Object.entries(sent.memo).map(([k, bytes]) => [k, filler(bytes)])));
    return filler(sent.answerBytes);
  });
  // Long timers like a book's deadline and reminders: started, then cancelled when the book closes.
  const timers = new CancellationScope();
  timers.run(() => Promise.all(Array.from({ length: shape.timers }, () => sleep('30 days')))).catch(() => undefined);
  for (let i = 0; i < shape.activities; i++) await touch();
  await condition(() => accepted >= shape.updates);
  timers.cancel();
  return commands ? filler(commands.resultBytes) : accepted;
}

/** A JSON string of about `bytes` bytes once encoded. */
const filler = (bytes: number) => 'x'.repeat(Math.max(bytes - 2, 0));

function valueOf(name: string, type: SearchAttributeType, n: number): SearchAttributePair {
  const key = defineSearchAttributeKey(name, type);
  const value = { KEYWORD: `v${n}`, TEXT: `v${n}`, KEYWORD_LIST: [`v${n}`], INT: n, DOUBLE: n, BOOL: n % 2 === 0, DATETIME: new Date() }[type];
  return { key, value } as SearchAttributePair;
}
