import { CancellationScope, condition, defineUpdate, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

/** The shape of a book's path, counted from a sohoa history: updates accepted, timers started, activities run. */
export interface Shape {
  updates: number;
  timers: number;
  activities: number;
}

export const bareAction = defineUpdate<number, [unknown]>('bareAction');
const { touch } = proxyActivities<{ touch(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

/** Temporal alone, no project code: a workflow with the same number of updates, timers and activities. */
export async function bareBook(shape: Shape): Promise<number> {
  let accepted = 0;
  setHandler(bareAction, () => ++accepted);
  // Long timers like a book's deadline and reminders: started, then cancelled when the book closes.
  const timers = new CancellationScope();
  timers.run(() => Promise.all(Array.from({ length: shape.timers }, () => sleep('30 days')))).catch(() => undefined);
  for (let i = 0; i < shape.activities; i++) await touch();
  await condition(() => accepted >= shape.updates);
  timers.cancel();
  return accepted;
}
