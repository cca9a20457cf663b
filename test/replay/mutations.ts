import type { Mutation } from '../../scripts/lib/replayMutations';

const WORKFLOW = 'workflows/registerDigitization.ts';
const AUTOMATION = 'workflows/automation.ts';
const NEXT_RUN = 'const nextRun = () => continueAsNew<typeof registerDigitization>({ ...input, carried: state, automations: [...automatic], overdueDigest: digest, notices: notices.pending });';
const DUE = 'notices.push(due.notices);';

/**
 * Unsafe changes made without `patched()`, each applied alone by `npm run replay:mutations`: replaying
 * the saved histories must catch every one. Each `find` must occur exactly once in its file.
 */
export const mutations: Mutation[] = [
  {
    name: 'extra activity before packaging',
    file: AUTOMATION,
    find: "const r = await invoke('packageScans',",
    replace: "await invoke('validateExcel', (a) => a.validateExcel({ book: s.book, excelKey: upload!.key }), stillCurrent);\n        const r = await invoke('packageScans',",
  },
  {
    name: 'activity called twice on import',
    file: AUTOMATION,
    find: "const r = await invoke('submitImport', (a) => a.submitImport(pkg), stillCurrent);",
    replace: "await invoke('submitImport', (a) => a.submitImport(pkg), stillCurrent);\n        const r = await invoke('submitImport', (a) => a.submitImport(pkg), stillCurrent);",
  },
  {
    name: 'different activity type (packageScans renamed)',
    file: AUTOMATION,
    find: "const { packageScans, validateExcel, reconcileC06 } = proxyActivities<Activities>(options('long'));",
    replace: "const { packageScansV2: packageScans, validateExcel, reconcileC06 } = proxyActivities<Activities>(options('long'));",
  },
  {
    name: "patch removed (inForce('package-scans') → true)",
    file: WORKFLOW,
    find: 'inForce(PATCHES.packageScans)',
    replace: 'true',
  },
  {
    name: 'patch checks reordered',
    file: WORKFLOW,
    find: "  if (inForce(PATCHES.packageScans)) steps.push('scan');\n  if (inForce(PATCHES.validateExcel)) steps.push('excel');",
    replace: "  if (inForce(PATCHES.validateExcel)) steps.push('excel');\n  if (inForce(PATCHES.packageScans)) steps.push('scan');",
  },
  {
    name: 'newest patch removed (notices beside the loop → always)',
    file: WORKFLOW,
    find: 'inForce(PATCHES.noticesBesideLoop)',
    replace: 'true',
  },
  {
    name: 'guarded automation without its patch',
    file: WORKFLOW,
    find: 'inForce(PATCHES.guardedAutomation)',
    replace: 'true',
  },
  {
    // A condition with a timeout is a timer, like sleep(), without a new import.
    name: 'extra timer in the loop',
    file: WORKFLOW,
    find: '    const seen = version;',
    replace: "    await condition(() => false, '1 minute');\n    const seen = version;",
  },
  {
    name: 'notice sent (and awaited) before continue-as-new',
    file: WORKFLOW,
    find: NEXT_RUN,
    replace: `const nextRun = async () => {
    const b = state.book.agency;
    notices.push([{ id: state.workflowId + ':continued', kind: 'waitingReminder', workflowId: state.workflowId, agencyCode: b.code, districtCode: b.districtCode, provinceCode: b.provinceCode, step: state.step, message: 'tiếp tục', createdAt: nowIso() }]);
    await condition(() => notices.idle);
    return continueAsNew<typeof registerDigitization>({ ...input, carried: state, automations: [...automatic], overdueDigest: digest, notices: notices.pending });
  };`,
  },
  {
    name: 'activity called just before continue-as-new',
    file: WORKFLOW,
    find: NEXT_RUN,
    replace: `const nextRun = async () => {
    await legacyInvoke()('computeAcceptance', (a) => a.computeAcceptance({ book: state.book, counts: state.counts }), () => true);
    return continueAsNew<typeof registerDigitization>({ ...input, carried: state, automations: [...automatic], overdueDigest: digest, notices: notices.pending });
  };`,
  },
  {
    name: 'second notice on deadline reminders',
    file: WORKFLOW,
    find: DUE,
    replace: "notices.push(due.notices.flatMap((n) => (n.kind === 'deadlineReminder' ? [n, { ...n, id: `${n.id}:2` }] : [n])));",
  },
  {
    name: 'waiting reminder no longer sent',
    file: WORKFLOW,
    find: DUE,
    replace: "notices.push(due.notices.filter((n) => n.kind !== 'waitingReminder'));",
  },
  {
    name: 'a withdrawal no longer cancels the running activity',
    file: AUTOMATION,
    find: '      () => work.cancel(),',
    replace: '      () => undefined,',
  },
  {
    name: 'no pause between failing rounds',
    file: AUTOMATION,
    find: 'await work.run(() => sleep(pause));',
    replace: 'await work.run(() => Promise.resolve());',
  },
  {
    // domain/ is bundled too: a rule change there alters the commands as much as one in workflows/.
    name: 'overdue notice dropped (domain rule)',
    file: 'domain/state/timers.ts',
    find: "    out.push({ kind: 'overdue', key: `overdue:${s.deadline}` });\n",
    replace: '',
  },
  {
    name: 'overdue digest without its patch (every book on the digest)',
    file: WORKFLOW,
    find: 'inForce(PATCHES.overdueDigest)',
    replace: 'true',
  },
  {
    name: 'overdue mark not published when it sends no notice (digest)',
    file: WORKFLOW,
    find: '    return due.changed;',
    replace: '    return due.notices.length > 0;',
  },
  {
    name: 'SohoaUpdatedAt stamped without its patch (older histories upsert it too)',
    file: WORKFLOW,
    find: 'const stampUpdated = inForce(PATCHES.updatedAtAttribute);',
    replace: 'const stampUpdated = true;',
  },
  {
    name: 'C06 check without its patch (every book checks its C06 delivery)',
    file: WORKFLOW,
    find: 'inForce(PATCHES.reconcileC06)',
    replace: 'true',
  },
  {
    // The delivery goes to review unchecked, as before the patch, for books that started after it.
    name: 'C06 delivery no longer checked',
    file: AUTOMATION,
    find: "const r = await invoke('reconcileC06', (a) => a.reconcileC06(input), stillCurrent);",
    replace: "setPhase(s, 'review', now());\n        if (input) return;\n        const r = await invoke('reconcileC06', (a) => a.reconcileC06(input), stillCurrent);",
  },
  {
    // A rule of the 2025 handover: the holder changes, the reminders already sent stay sent.
    name: 'a handover sends the reminders again (domain rule)',
    file: 'domain/state/transitions.ts',
    find: '      s.custodian = to;\n',
    replace: '      s.custodian = to;\n      s.remindersSent = [];\n',
  },
  {
    // Code version 2's changes are for books started under it: older books keep their patches.
    name: 'every book taken as code version 2',
    file: 'workflows/patches.ts',
    find: 'export const fromCodeVersion2 = (codeVersion: number | undefined) => codeVersion !== undefined && codeVersion >= 2;',
    replace: 'export const fromCodeVersion2 = (_codeVersion: number | undefined) => true;',
  },
  {
    // Code version 3's one publish is for books started under it: older books mark overdue in their loop.
    name: 'every book taken as code version 3',
    file: 'workflows/patches.ts',
    find: 'export const fromCodeVersion3 = (codeVersion: number | undefined) => codeVersion !== undefined && codeVersion >= 3;',
    replace: 'export const fromCodeVersion3 = (_codeVersion: number | undefined) => true;',
  },
  {
    name: 'code version 3 books mark overdue in their loop again',
    file: WORKFLOW,
    find: "        if (dueWithAction && state.phase !== 'processing') takeDue();\n",
    replace: '',
  },
  {
    name: 'code version 2 books set a timer each turn again',
    file: WORKFLOW,
    find: '    if (wakeTimer) {',
    replace: '    if (wakeTimer && version < 0) {',
  },
  {
    name: 'code version 2 books publish a change of bookkeeping alone',
    file: WORKFLOW,
    find: '      if (!changedPairs.length && !changedMemo) return status;\n',
    replace: '',
  },
  {
    // The start request publishes the state of its own time; a first task of another time publishes again.
    name: "a book's first task takes its own time, not the start request's",
    file: WORKFLOW,
    find: 'initialState(input.book, input.plan, input.startedAt ?? nowIso(), input.priority)',
    replace: 'initialState(input.book, input.plan, nowIso(), input.priority)',
  },
  {
    // A book that follows the province plan knows no deadline: timing one from the plan as it started is a new timer.
    name: 'books that follow the plan time their deadline again',
    file: 'domain/state/timers.ts',
    find: '  if (!s.overdue && !s.followsPlan) times.push(',
    replace: '  if (!s.overdue) times.push(',
  },
  {
    name: 'the province plan publishes its memo before checking the move',
    file: 'workflows/provincePlan.ts',
    find: '      const { deadline, reason } = setProvinceDeadlineSchema.parse(payload);\n',
    replace: "      upsertMemo({ moving: true });\n      const { deadline, reason } = setProvinceDeadlineSchema.parse(payload);\n",
  },
];
