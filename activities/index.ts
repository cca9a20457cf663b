import type { Notice } from '../domain/notices';
import type { FileOutbox } from './notify/outbox';
import type { Activities } from './types';

/** What activities need from the outside world; tests hand in real local ones. */
export interface ActivityDeps {
  outbox: FileOutbox;
}

/** Activities are plain async functions built from their dependencies. */
export function createActivities(deps: ActivityDeps): Activities {
  return {
    async notify(notice: Notice) {
      await deps.outbox.write(notice);
    },
  };
}
