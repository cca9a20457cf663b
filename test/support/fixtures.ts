import type { Actor } from '../../domain/actors';
import { bookSchema, type Book, type BookInput } from '../../domain/book';
import { loadUnits } from '../../clients/units';
import { withinOf } from '../../domain/custody';
import { CODE_VERSION, type WorkflowInputV1 as WorkflowInput } from '../../contracts/v1';
import { planSettingsSchema, type PlanSettings } from '../../domain/settings';

/** The units the tests run with: the reference province (49, Quảng Nam) from the dataset, with its demo settings. */
export const units = loadUnits({ SOHOA_PROVINCE: '49' });

export const agency = (code: string) => {
  const a = units.findAgency(code);
  if (!a) throw new Error(`no agency ${code}`);
  return a;
};

export function book(over: Partial<BookInput> & { agencyCode?: string } = {}): Book {
  const { agencyCode = '20335', ...rest } = over;
  return bookSchema.parse({ agency: agency(agencyCode), type: 'birth', bookNo: '01', yearFrom: 2017, yearTo: 2017, ...rest });
}

/** A book's input as `startBook` gives it (today's code version). */
export function input(b: Book, plan: Partial<PlanSettings> = {}, priority = 3): WorkflowInput {
  return { book: b, plan: planSettingsSchema.parse(plan), priority, codeVersion: CODE_VERSION };
}

/** An actor as the API hands it to the workflow: with the keys it acts in when they are more than its own. */
const actor = (userId: string, role: Actor['role'], scope: Actor['scope'], agencyCode: string): Actor => {
  const within = withinOf(units, { scope, agencyCode });
  return { userId, role, scope, agencyCode, ...(within ? { within } : {}) };
};

/** Users of Tân Thạnh (20335, Tam Kỳ 502) and of others, for role and jurisdiction checks. */
export const users = {
  admin: actor('admin', 'admin', 'province', '49'),
  manager: actor('quanly.tinh', 'manager', 'province', '49'),
  districtManager: actor('quanly.tamky', 'manager', 'district', '502'),
  clerk: actor('congchuc.tanthanh', 'clerk', 'agency', '20335'),
  districtClerk: actor('congchuc.tamky', 'clerk', 'district', '502'),
  otherClerk: actor('congchuc.minhan', 'clerk', 'agency', '20398'),
  contractor: actor('nhathau.a', 'contractor', 'district', '502'),
  otherContractor: actor('nhathau.b', 'contractor', 'district', '503'),
  c06: actor('c06.tamky', 'c06', 'district', '502'),
  auditor: actor('kiemtoan', 'auditor', 'province', '49'),
  /** From 1/7/2025: Đà Nẵng's Sở Tư pháp, and Phường Bàn Thạch, which took over Tân Thạnh (20335). */
  manager2025: actor('quanly.danang', 'manager', 'province', 'n48'),
  clerk2025: actor('congchuc.banthach', 'clerk', 'agency', 'n20335'),
} satisfies Record<string, Actor>;
