import type { Notice } from '../domain/notices';

/** The activities the workflow calls, by name. Implementations come from `createActivities`. */
export interface Activities {
  notify(notice: Notice): Promise<void>;
}
