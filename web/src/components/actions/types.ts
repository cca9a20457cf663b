import type { JSX } from 'preact';
import type { UploadProgress } from '../../api';
import type { ActionResponse, BookStatus } from '../../types';
import type { PickedFile } from '../DropZone';

/** What an action's fields read and write: the open form's values (text as typed) and picked files. */
export interface FormState {
  status: BookStatus;
  /** A field's value as typed, '' when empty. */
  v: (name: string) => string;
  set: (name: string) => (e: Event) => void;
  files: PickedFile[];
  setFiles: (files: PickedFile[]) => void;
  busy: boolean;
  setError: (e: Error) => void;
}

/** What sending an action may do: post it, upload its files first and show their progress. */
export interface Sender {
  v: (name: string) => string;
  files: PickedFile[];
  /** `/api/registers/{id}`, where the book's uploads go. */
  base: string;
  /** Posts the action with the form's idempotency key, or with the one of the upload it reports. */
  act: (payload: Record<string, unknown>, idempotencyKey?: string) => Promise<ActionResponse>;
  setProgress: (p: UploadProgress) => void;
  setPacking: (p: { done: number; total: number } | undefined) => void;
}

/** One action's form: its fields, their first values, how it is sent, and how its submit button reads. */
export interface FormSpec {
  Fields: (form: FormState) => JSX.Element;
  send: (sender: Sender) => Promise<ActionResponse>;
  initial?: (status: BookStatus) => Record<string, string>;
  /** Moves the book on: its button comes first and stands out from reviews' "reject" and managers' changes. */
  primary?: boolean;
  /** The submit button's text when it is not the action's label. */
  submitLabel?: string;
  /** Actions that undo work (reject, withdraw) get a red button. */
  danger?: boolean;
}
