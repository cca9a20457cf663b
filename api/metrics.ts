import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Units } from '../domain/units';
import { steps } from '../domain/plan';
import { SA } from '../workflows/definitions';
import { LOOK_KINDS, type BookIndex } from './services/bookIndex';
import type { BookService } from './services/books';
import type { StuckScanner } from './services/stuck';
import type { PlanService } from './services/plan';
import { buildQuery, quote } from '../clients/temporal/visibilityQuery';


/** Prometheus metrics of one app (own registry, so several apps can live in one test process). */
export function createMetrics(deps: { books: BookService; stuck: StuckScanner; units: Units; plan: PlanService; index: BookIndex }) {
  const province = { scope: 'province' as const, agencyCode: deps.units.provinceCode };
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sohoa_api_' });

  const httpDuration = new Histogram({
    name: 'sohoa_http_request_duration_seconds',
    help: 'Thời gian xử lý yêu cầu HTTP',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const actions = new Counter({
    name: 'sohoa_actions_total',
    help: 'Thao tác của người dùng gửi tới workflow, theo kết quả',
    labelNames: ['action', 'outcome'] as const,
    registers: [registry],
  });
  const starts = new Counter({
    name: 'sohoa_book_starts_total',
    help: 'Yêu cầu tạo sổ, theo kết quả (created, existing, rejected)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const denied = new Counter({
    name: 'sohoa_denied_requests_total',
    help: 'Yêu cầu bị từ chối (401, 403)',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'sohoa_books',
    help: 'Số sổ theo bước (visibility của Temporal)',
    labelNames: ['step'] as const,
    registers: [registry],
    async collect() {
      // SQL visibility has no GROUP BY on custom attributes: one count per step.
      const base = buildQuery(deps.units, province);
      const counts = await Promise.all(steps.map((s) => deps.books.count(`${base} AND ${SA.step.name} = ${quote(s)}`).catch(() => NaN)));
      this.reset();
      steps.forEach((s, i) => this.set({ step: s }, counts[i]!));
    },
  });
  new Gauge({
    name: 'sohoa_books_overdue',
    help: 'Số sổ đang thực hiện đã quá hạn',
    registers: [registry],
    async collect() {
      this.set(await deps.books.count(buildQuery(deps.units, province, { status: 'running', overdue: true }, deps.plan.now())).catch(() => NaN));
    },
  });
  new Gauge({
    name: 'sohoa_books_awaiting_human',
    help: 'Số sổ đang chờ người thực hiện hoặc duyệt',
    registers: [registry],
    async collect() {
      this.set(await deps.books.count(buildQuery(deps.units, province, { status: 'running', awaitingHuman: true })).catch(() => NaN));
    },
  });
  new Gauge({
    name: 'sohoa_activity_failures',
    help: 'Hoạt động tự động đang thử lại (số lần thất bại), theo hoạt động',
    labelNames: ['activity'] as const,
    registers: [registry],
    async collect() {
      const failing = await deps.stuck.metricsSnapshot().catch(() => []);
      this.reset();
      const by = new Map<string, number>();
      for (const f of failing) by.set(f.activity, (by.get(f.activity) ?? 0) + Math.max(0, f.attempt - 1));
      for (const [activity, n] of by) this.set({ activity }, n);
    },
  });
  new Gauge({
    name: 'sohoa_books_with_failing_activity',
    help: 'Số sổ có hoạt động tự động đang thử lại',
    registers: [registry],
    async collect() {
      const failing = await deps.stuck.metricsSnapshot().catch(() => []);
      this.set(new Set(failing.map((f) => f.id)).size);
    },
  });

  // What the read model costs Temporal: each book a look returns is a visibility row read.
  for (const [what, help] of [
    ['looks', 'Lần mô hình đọc hỏi visibility, theo loại (nạp lại, theo dấu thời gian, theo mã)'],
    ['books', 'Sổ visibility trả về cho mô hình đọc, theo loại câu hỏi'],
  ] as const) {
    new Counter({
      name: `sohoa_read_model_${what}_total`,
      help,
      labelNames: ['look'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const look of LOOK_KINDS) this.inc({ look }, deps.index.reads[look][what]);
      },
    });
  }

  return { registry, httpDuration, actions, starts, denied };
}
export type ApiMetrics = ReturnType<typeof createMetrics>;
