import { z } from 'zod';
import { bookSchema } from './book';
import type { BookState } from './bookState';
import type { Notice } from './notices';
import type { Step } from './plan';
import { planSettingsSchema } from './settings';

/** What starts a book's workflow. */
export const workflowInputSchema = z.object({
  book: bookSchema,
  plan: planSettingsSchema,
  priority: z.number().int().min(1).max(5).default(3),
});

/** What continue-as-new hands to the next run, beside the start input. */
export interface Carried {
  /** The book's state at the end of the previous run. */
  carried?: BookState;
  /**
   * The steps with automatic work, decided once by the first run's patches: a book started before an
   * automation existed keeps its path in every later run (patches alone would give it the new one).
   */
  automations?: Step[];
  /** Notices taken due but not yet written when the previous run ended. */
  notices?: Notice[];
}

export type WorkflowInput = z.output<typeof workflowInputSchema> & Carried;
