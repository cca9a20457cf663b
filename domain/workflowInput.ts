import { z } from 'zod';
import { bookSchema } from './book';
import type { BookState } from './bookState';
import { planSettingsSchema } from './settings';

/** What starts a book's workflow. `carried` is the state handed over by continue-as-new. */
export const workflowInputSchema = z.object({
  book: bookSchema,
  plan: planSettingsSchema,
  priority: z.number().int().min(1).max(5).default(3),
});
export type WorkflowInput = z.output<typeof workflowInputSchema> & { carried?: BookState };
