import { SingleBar, Presets } from 'cli-progress';
import { Command, CommanderError, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { ACTION_LABELS_VI, actionNames } from '../../domain/actions';
import { ROLE_LABELS_VI, roles } from '../../domain/actors';
import { jurisdictionLevels } from '../../domain/agencies';
import { STEP_LABELS_VI, type Step } from '../../domain/plan';
import type {
  ActionResponse,
  BookStatusV1 as BookStatus,
  BulkResponse,
  ImportJobView,
  JobAccepted,
  ListResponse,
  ProgressReport,
  ProgressRow,
  ProvincePlan,
  ReplayResponse,
  ResultSummary,
  StuckReport,
  Timeline,
} from '../../contracts/v1';
import { progressDimensions } from '../../contracts/v1/reports';
import { loadUnits } from '../../clients/units';
import { UserError, UserStore } from '../../clients/users';
import { ApiClient, CliError } from './http';
import { dateTimeVi, table, yesNo } from './format';

/** `sohoa`: users and tokens (local file), and the API's main uses (import, status, timeline, reports, replay). */
const env = process.env;
const program = new Command();
program
  .name('sohoa')
  .description('Số hóa sổ hộ tịch: quản lý người dùng, nhập danh mục, tra cứu sổ, báo cáo, kiểm toán')
  .option('--json', 'in kết quả dạng JSON (cho script)')
  .option('--api <url>', 'địa chỉ API (SOHOA_API_URL)', env.SOHOA_API_URL ?? `http://${env.API_HOST ?? '127.0.0.1'}:${env.API_PORT ?? '3000'}`)
  .option('--token <token>', 'mã truy cập (SOHOA_TOKEN)')
  .option('--data-dir <dir>', 'thư mục dữ liệu chứa users.json (SOHOA_DATA_DIR)', env.SOHOA_DATA_DIR ?? './data')
  .helpOption('-h, --help', 'hiển thị hướng dẫn')
  .helpCommand('help [lệnh]', 'hướng dẫn của một lệnh')
  .showHelpAfterError('(dùng --help để xem hướng dẫn)')
  .addHelpText('after', '\nTạo dữ liệu một tỉnh để thử tải: sohoa demo --books 40000 [--share 0.02] (xem sohoa demo --help)')
  .exitOverride();

type Globals = { json?: boolean; api: string; token?: string; dataDir: string };
const globals = () => program.opts<Globals>();
const api = () => new ApiClient({ baseUrl: globals().api, token: globals().token ?? env.SOHOA_TOKEN });
const users = () => UserStore.inDataDir(resolve(globals().dataDir), loadUnits());
const out = (human: string, data: unknown) => console.log(globals().json ? JSON.stringify(data, null, 2) : human);

// ── users ────────────────────────────────────────────────────────────────────────────────────
const user = program.command('user').description('người dùng và mã truy cập (ghi trực tiếp tệp users.json)');
user
  .command('add <userId>')
  .description('tạo người dùng; in mã truy cập MỘT LẦN (chỉ lưu bản băm)')
  .addOption(new Option('--role <role>', 'vai trò').choices(roles).makeOptionMandatory())
  .addOption(new Option('--scope <scope>', 'phạm vi: province (tỉnh), district (huyện), agency (một đơn vị)').choices(jurisdictionLevels).makeOptionMandatory())
  .requiredOption('--code <code>', 'mã tỉnh, huyện hoặc đơn vị của phạm vi (ví dụ 49, 502, 20335; đơn vị sau 1/7/2025: n48, n20335)')
  .option('--name <name>', 'họ tên')
  .action(async (userId: string, o: { role: (typeof roles)[number]; scope: (typeof jurisdictionLevels)[number]; code: string; name?: string }) => {
    const r = await users().add({ userId, role: o.role, scope: o.scope, agencyCode: o.code, ...(o.name ? { name: o.name } : {}) });
    out(
      `Đã tạo người dùng ${r.user.userId} (${ROLE_LABELS_VI[r.user.role]}, phạm vi ${r.user.scope} ${r.user.agencyCode}).\nMã truy cập (chỉ hiện một lần, hãy lưu lại):\n${r.token}`,
      r,
    );
  });
user
  .command('rotate <userId>')
  .description('cấp mã truy cập mới; mã cũ hết hiệu lực (cũng mở lại người dùng đã thu hồi)')
  .action(async (userId: string) => {
    const r = await users().rotate(userId);
    out(`Mã truy cập mới của ${userId} (chỉ hiện một lần):\n${r.token}`, r);
  });
user
  .command('revoke <userId>')
  .description('thu hồi mã truy cập của người dùng')
  .action(async (userId: string) => {
    const r = await users().revoke(userId);
    out(`Đã thu hồi mã truy cập của ${userId}.`, r);
  });
user
  .command('list')
  .description('danh sách người dùng')
  .action(async () => {
    const list = await users().list();
    out(
      list.length
        ? table(
            ['Người dùng', 'Họ tên', 'Vai trò', 'Phạm vi', 'Mã', 'Tạo lúc', 'Trạng thái'],
            list.map((u) => [u.userId, u.name, ROLE_LABELS_VI[u.role], u.scope, u.agencyCode, dateTimeVi(u.createdAt), u.revokedAt ? 'đã thu hồi' : 'hiệu lực']),
          )
        : 'Chưa có người dùng nào. Tạo bằng: sohoa user add <tên> --role manager --scope province --code 49',
      list,
    );
  });

// ── registers ────────────────────────────────────────────────────────────────────────────────
program
  .command('import <file>')
  .description('nhập danh mục sổ (.xlsx hoặc .csv) với thanh tiến độ; mỗi dòng: đã tạo, đã có, bị từ chối')
  .option('--concurrency <n>', 'số workflow khởi tạo cùng lúc', '8')
  .action(async (file: string, o: { concurrency: string }) => {
    const data = await readFile(file).catch((e: NodeJS.ErrnoException) => {
      throw new CliError(`không đọc được tệp ${file}: ${e.code === 'ENOENT' ? 'không tồn tại' : e.message}`);
    });
    const form = new FormData();
    form.append('file', new Blob([data]), basename(file));
    const c = api();
    const started = await c.request<JobAccepted>('POST', `/api/registers/import?wait=false&concurrency=${Number(o.concurrency)}`, undefined, { raw: form });
    const bar = globals().json || !process.stderr.isTTY ? undefined : new SingleBar({ format: 'Khởi tạo sổ [{bar}] {value}/{total} dòng ({percentage}%)', hideCursor: true }, Presets.shades_classic);
    bar?.start(started.total, 0);
    let job: ImportJobView;
    for (;;) {
      job = await c.get<ImportJobView>(`/api/jobs/${started.jobId}?results=false`);
      bar?.update(job.done);
      if (job.state !== 'running') break;
      await new Promise((r) => setTimeout(r, 400));
    }
    bar?.stop();
    job = await c.get<ImportJobView>(`/api/jobs/${started.jobId}`);
    if (job.state === 'failed') throw new CliError(`nhập danh mục thất bại: ${job.error}`);
    const s = job.summary as ResultSummary;
    const rejected = (job.results ?? []).filter((r) => r.result === 'rejected');
    out(
      [
        `Tệp ${basename(file)}: ${s.total} dòng — đã tạo ${s.created}, đã có ${s.existing}, bị từ chối ${s.rejected}.`,
        ...rejected.map((r) => `  dòng ${r.row}: ${r.reason}`),
      ].join('\n'),
      job,
    );
    if (s.rejected > 0) process.exitCode = 3;
  });

program
  .command('list')
  .description('danh sách sổ trong phạm vi (lọc như GET /api/registers)')
  .option('--district <codes>')
  .option('--agency <codes>')
  .option('--type <types>')
  .option('--period <periods>')
  .option('--step <steps>')
  .option('--overdue', 'chỉ sổ quá hạn')
  .option('--awaiting-human', 'chỉ sổ chờ người')
  .option('-q, --query <text>', 'tìm theo số quyển hoặc tên')
  .option('--sort <key>', 'started, deadline, priority, yearFrom, updated', 'started')
  .option('--page-size <n>', 'số dòng', '50')
  .action(async (o: Record<string, string | boolean | undefined>) => {
    const q = new URLSearchParams();
    for (const k of ['district', 'agency', 'type', 'period', 'step', 'sort'] as const) if (typeof o[k] === 'string') q.set(k, o[k] as string);
    if (o.overdue) q.set('overdue', 'true');
    if (o.awaitingHuman) q.set('awaitingHuman', 'true');
    if (o.query) q.set('q', String(o.query));
    q.set('pageSize', String(o.pageSize));
    const r = await api().get<ListResponse>(`/api/registers?${q}`);
    out(
      table(
        ['Mã sổ', 'Sổ', 'Bước', 'Chờ người', 'Quá hạn', 'Hạn'],
        r.items.map((b) => [b.id, b.title, b.step && STEP_LABELS_VI[b.step], yesNo(b.awaitingHuman), yesNo(b.overdue), dateTimeVi(b.deadline)]),
      ) + (r.total !== undefined ? `\n(${r.items.length}/${r.total} sổ)` : ''),
      r,
    );
  });

program
  .command('status <id>')
  .description('trạng thái của một sổ')
  .action(async (id: string) => {
    const s = await api().get<BookStatus>(`/api/registers/${encodeURIComponent(id)}`);
    const lines = [
      `Sổ:           ${s.workflowId} — ${s.book.agency.name}, quyển ${s.book.bookNo} (${s.book.yearFrom}${s.book.yearTo !== s.book.yearFrom ? `–${s.book.yearTo}` : ''})`,
      `Kế hoạch:     ${s.plan.map((p) => (p === s.step ? `[${STEP_LABELS_VI[p]}]` : STEP_LABELS_VI[p])).join(' → ')}`,
      `Bước:         ${STEP_LABELS_VI[s.step]} (${{ work: 'chờ thực hiện', review: 'chờ duyệt', processing: 'đang xử lý tự động', closed: 'đã đóng' }[s.phase]}) từ ${dateTimeVi(s.phaseSince)}`,
      `Hạn:          ${dateTimeVi(s.deadline)}${s.overdue ? ' — QUÁ HẠN' : ` (còn ${s.daysLeft} ngày)`}; ưu tiên ${s.priority}`,
      `Số liệu:      ${Object.entries(s.counts).map(([k, v]) => `${k}=${v}`).join(', ') || '—'}`,
      `Việc tiếp:    ${s.pendingActions.map((a) => ACTION_LABELS_VI[a]).join('; ') || '—'}`,
      ...(s.problems.length ? ['Vấn đề:', ...s.problems.map((p) => `  - [${p.step}] ${p.message}`)] : []),
    ];
    out(lines.join('\n'), s);
  });

program
  .command('act <id> <action>')
  .description(`gửi một thao tác cho sổ: ${actionNames.join(', ')}`)
  .option('-d, --data <json>', 'dữ liệu của thao tác (JSON), ví dụ \'{"cases":40,"pages":82,"condition":"good"}\'', '{}')
  .action(async (id: string, action: string, o: { data: string }) => {
    let payload: unknown;
    try {
      payload = JSON.parse(o.data);
    } catch {
      throw new CliError(`--data không phải JSON hợp lệ: ${o.data}`);
    }
    const r = await api().post<ActionResponse>(`/api/registers/${encodeURIComponent(id)}/actions/${encodeURIComponent(action)}`, payload);
    out(r.unchanged ? `Không thay đổi: ${r.message}` : `Đã ${ACTION_LABELS_VI[action as keyof typeof ACTION_LABELS_VI] ?? action}. Sổ ở bước ${STEP_LABELS_VI[r.status!.step]} (${r.status!.phase}).`, r);
  });

program
  .command('timeline <id>')
  .description('lịch sử của sổ: ai làm gì, khi nào')
  .option('--all', 'gồm cả hẹn giờ và thay đổi thuộc tính')
  .action(async (id: string, o: { all?: boolean }) => {
    const t = await api().get<Timeline>(`/api/registers/${encodeURIComponent(id)}/history`);
    const quiet = new Set(['timerStarted', 'timerFired', 'timerCanceled']);
    const shown = t.entries.filter((e) => o.all || !quiet.has(e.kind));
    out(table(['Thời điểm', 'Người', 'Việc'], shown.map((e) => [dateTimeVi(e.at), e.actor?.userId ?? 'hệ thống', e.text])), t);
  });

// ── reports, audit ───────────────────────────────────────────────────────────────────────────
const report = program.command('report').description('báo cáo');
report
  .command('progress')
  .description('tiến độ theo huyện, đơn vị đăng ký, đơn vị đang giữ sổ, đơn vị sau 1/7/2025, loại sổ, nhóm sổ hoặc bước')
  .addOption(new Option('--by <dim>', 'nhóm theo').choices([...progressDimensions]).default('district'))
  .action(async (o: { by: string }) => {
    const r = await api().get<ProgressReport>(`/api/reports/progress?by=${o.by}`);
    const line = (x: ProgressRow) => [x.label, x.books, x.cases, x.pages, x.done, x.inProgress, x.overdue, x.awaitingHuman, `${x.percentDone}%`];
    out(
      table(['Nhóm', 'Sổ', 'Trường hợp', 'Trang', 'Xong', 'Đang làm', 'Quá hạn', 'Chờ người', 'Tỷ lệ xong'], [...r.rows.map(line), line(r.total)], ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r']),
      r,
    );
  });
report
  .command('stuck')
  .description('sổ bị kẹt: bước tự động lỗi lặp lại, hoặc chờ người quá lâu')
  .option('--days <n>', 'số ngày chờ')
  .action(async (o: { days?: string }) => {
    const r = await api().get<StuckReport>(`/api/reports/stuck${o.days ? `?days=${Number(o.days)}` : ''}`);
    out(
      [
        `Bước tự động lỗi lặp lại: ${r.failing.length}`,
        ...(r.failing.length ? [table(['Sổ', 'Hoạt động', 'Lần thử', 'Lỗi gần nhất'], r.failing.map((f) => [f.id, f.activity, f.attempt, f.lastError]))] : []),
        `Chờ người quá ${r.days} ngày: ${r.waiting.length}`,
        ...(r.waiting.length ? [table(['Sổ', 'Bước', 'Số ngày'], r.waiting.map((w) => [w.id, STEP_LABELS_VI[w.step as Step] ?? w.step, w.days]))] : []),
      ].join('\n'),
      r,
    );
  });

program
  .command('replay [ids...]')
  .description('chạy lại lịch sử các sổ với mã workflow hiện tại (kiểm tra tính tất định)')
  .option('--agency <code>', 'mọi sổ của một đơn vị')
  .option('--limit <n>', 'tối đa số lượt chạy', '200')
  .action(async (ids: string[], o: { agency?: string; limit: string }) => {
    const body = { ...(ids.length ? { ids } : {}), ...(o.agency ? { agency: o.agency } : {}), limit: Number(o.limit) };
    const r = await api().post<ReplayResponse>('/api/audit/replay', body);
    out(
      [
        `Đã chạy lại ${r.summary.total} lượt: ${r.summary.ok} đúng, ${r.summary.nonDeterministic} không tất định, ${r.summary.error} lỗi.`,
        ...r.results.filter((x) => x.result !== 'ok').map((x) => `  ${x.id} (${x.runId}): ${x.result === 'nonDeterministic' ? 'KHÔNG TẤT ĐỊNH' : 'LỖI'} — ${x.error}`),
      ].join('\n'),
      r,
    );
    if (r.summary.nonDeterministic + r.summary.error > 0) process.exitCode = 4;
  });

program
  .command('plan [deadline]')
  .description('hạn kế hoạch của tỉnh: xem; hoặc đổi (quản lý cấp tỉnh) cho mọi sổ theo kế hoạch, ví dụ 2025-03-12T00:00:00+07:00')
  .option('--reason <text>', 'lý do đổi hạn (bắt buộc khi đổi)')
  .action(async (deadline: string | undefined, o: { reason?: string }) => {
    if (deadline && !o.reason) throw new CliError('đổi hạn kế hoạch cần --reason', 2);
    const plan = deadline ? await api().put<ProvincePlan>('/api/plan/deadline', { deadline, reason: o.reason }) : await api().get<ProvincePlan>('/api/plan');
    out(
      [
        `Hạn kế hoạch của tỉnh: ${dateTimeVi(plan.deadline)}`,
        ...plan.changes.slice(-5).map((c) => `  ${dateTimeVi(c.at)} ${c.userId}: ${dateTimeVi(c.previous)} → ${dateTimeVi(c.deadline)} (${c.reason})`),
      ].join('\n'),
      plan,
    );
  });

program
  .command('bulk <action>')
  .description('thao tác hàng loạt: extendDeadline, setPlanDeadline, setPriority, approve, withdraw')
  .requiredOption('-d, --data <json>', 'dữ liệu của thao tác (JSON)')
  .option('--ids <ids>', 'danh sách mã sổ, cách nhau bằng dấu phẩy')
  .option('--district <codes>', 'lọc theo huyện')
  .option('--agency <codes>', 'lọc theo đơn vị')
  .option('--step <steps>', 'lọc theo bước')
  .action(async (action: string, o: { data: string; ids?: string; district?: string; agency?: string; step?: string }) => {
    let payload: unknown;
    try {
      payload = JSON.parse(o.data);
    } catch {
      throw new CliError(`--data không phải JSON hợp lệ: ${o.data}`);
    }
    const filter = Object.fromEntries(Object.entries({ district: o.district, agency: o.agency, step: o.step }).filter(([, v]) => v));
    const body = o.ids ? { ids: o.ids.split(','), payload } : { filter, payload };
    const r = await api().post<BulkResponse>(`/api/bulk/${encodeURIComponent(action)}?wait=true`, body);
    out(
      [
        `${r.summary.total} sổ: ${r.summary.done} đã làm, ${r.summary.unchanged} không đổi, ${r.summary.refused} bị từ chối.`,
        ...r.results.filter((x) => x.result === 'refused').map((x) => `  ${x.id}: ${x.reason}`),
      ].join('\n'),
      r,
    );
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Help and version exit 0; usage errors were already printed by commander.
    process.exit(e.exitCode === 0 ? 0 : 2);
  }
  const message = e instanceof CliError || e instanceof UserError ? e.message : `lỗi không lường trước: ${(e as Error).stack ?? String(e)}`;
  console.error(`Lỗi: ${message}`);
  process.exit(e instanceof CliError ? e.exitCode : 1);
}
