import type { ActionName } from '../../../../contracts/v1';
import { c06ReceivedForm, c06RowsConfirmedForm, importConfirmedForm, manualEntryProgressForm } from './DataForms';
import { confirmInventoryForm } from './InventoryForm';
import { changeCustodianForm, extendDeadlineForm, setPlanDeadlineForm, setPriorityForm, withdrawForm } from './ManagementForms';
import { addNoteForm } from './NoteForm';
import { approveForm, rejectForm } from './ReviewForms';
import type { FormSpec } from './types';
import { excelUploadedForm, scansUploadedForm } from './UploadForms';

/** Every action's form: an action added to `contracts/v1/commands.ts` is a compile error here until it has one. */
export const ACTION_FORMS: Record<ActionName, FormSpec> = {
  confirmInventory: confirmInventoryForm,
  scansUploaded: scansUploadedForm,
  excelUploaded: excelUploadedForm,
  c06Received: c06ReceivedForm,
  c06RowsConfirmed: c06RowsConfirmedForm,
  approve: approveForm,
  reject: rejectForm,
  manualEntryProgress: manualEntryProgressForm,
  importConfirmed: importConfirmedForm,
  extendDeadline: extendDeadlineForm,
  setPlanDeadline: setPlanDeadlineForm,
  setPriority: setPriorityForm,
  withdraw: withdrawForm,
  addNote: addNoteForm,
  changeCustodian: changeCustodianForm,
};
