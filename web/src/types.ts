/** Shapes of the API's answers: the contracts', nothing of the API. */
import type { Actor, Agency, BookStatusV1 as BookStatus, RegisterSummary } from '../../contracts/v1';

export type { BookStatus, RegisterSummary, Actor, Agency };

export type Me = Actor & { roleLabel: string };

export interface Reference {
  registerTypes: { id: string; code: string; label: string }[];
  periods: { id: string; label: string; from: number | null; to: number }[];
  steps: { id: string; label: string }[];
  actions: { id: string; label: string; roles: string[]; reviewRoles?: string[] }[];
  roles: { id: string; label: string }[];
  levels: { id: string; label: string }[];
  districts: { code: string; name: string }[];
  agencies: Agency[];
}

export interface ListResponse {
  items: RegisterSummary[];
  nextPageToken?: string;
  nextOffset?: number;
  total?: number;
  query: string;
}
