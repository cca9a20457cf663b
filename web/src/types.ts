/** Shapes of the API's answers: the contracts', nothing of the API. */
import type { Actor, BookStatusV1 as BookStatus, Me, Reference, RegisterSummary } from '../../contracts/v1';

export type { BookStatus, RegisterSummary, Actor, Me, Reference };

export interface ListResponse {
  items: RegisterSummary[];
  nextPageToken?: string;
  nextOffset?: number;
  total?: number;
  query: string;
}
