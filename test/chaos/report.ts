import { STORIES, type StoryName } from './books';
import type { ChaosReport } from './run';

/** A plain-text table: columns of numbers aligned right, the others left. */
function table(head: string[], rows: Array<Array<string | number>>): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const numeric = head.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const line = (r: string[]) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** The run as a manager reads it: books by story, the faults and what they did, then what is wrong. */
export function formatReport(r: ChaosReport): string {
  const byStory = (Object.keys(STORIES) as StoryName[]).map((s) => {
    const v = r.checks.verdicts.filter((x) => x.story === s);
    return [s, STORIES[s].says, `${STORIES[s].end.step}/${STORIES[s].end.phase}`, v.length, v.filter((x) => !x.wrong.length).length];
  });
  const kills = (k: string | null) => {
    const all = r.kills.filter((x) => x.during === k);
    return k === null ? `${all.length}` : `${all.length} (${all.filter((x) => x.cutShort && x.confirmed).length} cut short)`;
  };
  const down = r.kills.map((k) => k.downMs);
  const faults: Array<Array<string | number>> = [
    ['worker kill -9, mid packageScans', kills('packageScans'), ''],
    ['worker kill -9, mid validateExcel', kills('validateExcel'), ''],
    ['worker kill -9, at a random moment', kills(null), ''],
    ['worker down per kill (s, min-max)', down.length ? `${(Math.min(...down) / 1000).toFixed(1)}-${(Math.max(...down) / 1000).toFixed(1)}` : '-', ''],
    ...r.outages.map((o) => [o.what, `${(o.ms / 1000).toFixed(1)} s at ${o.at} s`, o.note]),
    ['worker died by itself', r.crashes.length, [...new Set(r.crashes.map((c) => `exit ${c.code ?? c.signal}: ${c.tail.filter((l) => /error/i.test(l)).at(-1) ?? c.tail.at(-1) ?? ''}`))].join(' | ')],
    ['worker failed to start (tried again)', r.failedStarts.length, [...new Set(r.failedStarts.map((l) => l.slice(0, 120)))].join(' | ')],
    ['requests resent (no answer / 5xx)', r.resent, `${r.appliedUnanswered} found applied though unanswered`],
    ['answers 500 (unexplained)', r.internalErrors.length, r.internalErrors.slice(0, 3).join(' | ')],
  ];
  const c = r.checks;
  const a = c.artifacts;
  const figures = [
    ['books ended correctly', `${r.correct}/${r.books.length}`],
    ['updates answered 200 / missing from status or history', `${r.answered} / ${c.lost.length}`],
    ['books stuck', c.stuck.length],
    ['failed / terminated / timed-out runs', c.failedRuns.length],
    ['accepted imports at the national endpoint', `${c.acceptedImports} for ${r.books.filter((b) => STORIES[b.story].imports).length} books that import; ${c.duplicateImports} duplicates`],
    ['artifacts verified (manifests, zips, PDFs)', `${a.manifests}, ${a.zips}, ${a.pdfs}; ${a.problems.length} bad`],
    ['deadline reminders missing from the outbox', c.missingNotices.length],
    ['time: driving + checks', `${Math.round(r.driveMs / 1000)} s + ${Math.round(r.checkMs / 1000)} s`],
  ];
  const wrong = c.verdicts.filter((v) => v.wrong.length);
  const details = wrong.map((v) => [`${v.id} (${v.story}): ${v.wrong.join('; ')}`, ...(r.trails[v.id] ?? []).slice(-12).map((t) => `    ${t}`)].join('\n'));
  const killRows = r.kills.map((k) => [
    `${k.at} s`,
    k.during ?? 'random moment',
    k.bookId ?? '',
    `${(k.downMs / 1000).toFixed(1)} s`,
    k.during ? (k.cutShort ? `yes, ${k.confirmed ?? 'not confirmed by its history'}` : 'no (it had just finished)') : '',
  ]);
  return [
    table(['story', 'what its people do', 'ends at', 'books', 'correct'], byStory),
    '',
    table(['kill at', 'during', 'book', 'worker down', 'attempt lost'], killRows),
    '',
    table(['fault', 'count', 'effect'], faults),
    '',
    table(['check', 'result'], figures),
    ...(c.failedRuns.length ? ['', 'failed runs:', ...c.failedRuns] : []),
    ...(a.problems.length ? ['', 'bad artifacts:', ...a.problems] : []),
    ...(wrong.length ? ['', 'books that ended wrong:', ...details, '', 'their histories (to replay):', ...r.histories] : []),
  ].join('\n');
}

/** The soak's last line: the figures the issue asks for. */
export function summaryLine(r: ChaosReport): string {
  return JSON.stringify({
    bench: 'chaos',
    books: r.books.length,
    kills: r.kills.length,
    lost: r.checks.lost.length,
    stuck: r.checks.stuck.length,
    failedRuns: r.checks.failedRuns.length,
    duplicateImports: r.checks.duplicateImports,
    ratio: r.books.length ? Math.round((r.correct / r.books.length) * 1000) / 1000 : 0,
  });
}
