import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Units } from '../../domain/units';
import { noticeSchema } from '../../domain/notices';
import { actorOf } from '../auth/access';
import type { AppContext } from '../context';
import { commonErrors, download } from '../errors';
import { XLSX } from '../services/requestFiles';
import { bookFilterSchema } from '../../contracts/v1/filters';
import { progressBy, progressDimensions } from '../../domain/progress';
import { fromBooks } from '../services/bookIndex';
import { buildQuery } from '../../clients/temporal/visibilityQuery';
import type { Actor } from '../../domain/actors';
import { bookAccess, reachOf } from '../../domain/custody';
import { WEEKLY_REPORTS_PREFIX, weeklyReportOf } from '../../domain/schedules';
import { buildAcceptanceMinutes } from '../../activities/acceptance';
import { progressReportSchema, stuckReportSchema, weeklyReportsSchema } from '../../contracts/v1';
import { ApiError, errorBodySchema } from '../errors';
import { needStore } from './uploads';

/**
 * The outbox folders of the units an actor acts for (notices are filed under the holder of the book:
 * province/district/unit; a 2025 unit under its province's key twice, it has no district).
 */
function outboxPaths(units: Units, actor: Actor): string[][] {
  return reachOf(units, actor).act.map((k) => {
    if (k.startsWith('p:')) return [k.slice(2)];
    if (k.startsWith('d:')) return [units.provinceCode, k.slice(2)];
    const legacy = units.findAgency(k);
    if (legacy) return [legacy.provinceCode, legacy.districtCode, legacy.code];
    return units.findCustodian(k) ? [units.province2025.key, units.province2025.key, k] : ['-'];
  });
}

/** May the actor read a district's weekly report? As they may read that district's books: its own units, or the province's. */
function readsDistrict(units: Units, actor: Actor, districtCode: string): boolean {
  return bookAccess(reachOf(units, actor), { scopes: [`d:${districtCode}`, `p:${units.provinceCode}`] }, { districtCode }).see;
}

export const reportRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.route({
      method: 'GET',
      url: '/api/reports/weekly',
      config: { roles: ['manager', 'auditor'] },
      schema: {
        tags: ['reports'],
        summary: 'Báo cáo tiến độ hằng tuần (.xlsx, do lịch chạy tự động lập) của các huyện trong phạm vi, mới nhất trước',
        response: { 200: weeklyReportsSchema, ...commonErrors },
      },
      handler: async (req) => {
        const actor = actorOf(req);
        const items = (await needStore(ctx).list(WEEKLY_REPORTS_PREFIX)).flatMap((o) => {
          const file = o.key.split('/').pop()!;
          const r = weeklyReportOf(file);
          if (!r || r.key !== o.key || !readsDistrict(ctx.units, actor, r.districtCode)) return [];
          return [{ day: r.day, districtCode: r.districtCode, districtName: ctx.units.districtName(r.districtCode), file, bytes: o.bytes, sha256: o.sha256 }];
        });
        return { items: items.sort((a, b) => b.day.localeCompare(a.day) || a.districtCode.localeCompare(b.districtCode)) };
      },
    });

    app.route({
      method: 'GET',
      url: '/api/reports/weekly/:file',
      config: { roles: ['manager', 'auditor'] },
      schema: {
        tags: ['reports'],
        summary: 'Tải một báo cáo tiến độ hằng tuần (.xlsx) theo tên tệp; 404 nếu không có hoặc ngoài phạm vi',
        params: z.object({ file: z.string().max(200) }),
        response: { 200: download('báo cáo tiến độ tuần (.xlsx)', [XLSX]), ...commonErrors, 404: errorBodySchema },
      },
      handler: async (req, reply) => {
        const store = needStore(ctx);
        const { file } = req.params;
        const r = weeklyReportOf(file);
        // Another district's report answers as one that does not exist: its name tells nothing.
        const head = r && readsDistrict(ctx.units, actorOf(req), r.districtCode) ? await store.head(r.key) : undefined;
        if (!head) throw new ApiError('NotFound', `không có báo cáo tuần ${file} trong phạm vi của người dùng`);
        return reply
          .type(XLSX)
          .header('content-length', String(head.bytes))
          .header('x-sha256', head.sha256)
          .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file)}`)
          .send((await store.get(r!.key)) as never);
      },
    });

    app.route({
      method: 'GET',
      url: '/api/reports/progress',
      schema: {
        tags: ['reports'],
        summary: 'Tiến độ theo huyện, đơn vị, loại sổ, nhóm sổ, bước hoặc cấp (từ mô hình đọc của API, cập nhật theo thay đổi của workflow mỗi giây)',
        querystring: bookFilterSchema.extend({ by: z.enum(progressDimensions).default('district') }),
        response: { 200: progressReportSchema, ...commonErrors },
      },
      handler: async (req) => {
        const { by, ...filter } = req.query;
        const report = await fromBooks(ctx, actorOf(req), filter, `progress:${by}`, (books) => progressBy(ctx.units, books, by));
        return { by, generatedAt: new Date().toISOString(), ...report };
      },
    });

    app.route({
      method: 'GET',
      url: '/api/reports/acceptance',
      config: { roles: ['manager', 'auditor'] },
      schema: {
        tags: ['reports'],
        summary: 'Biên bản nghiệm thu (.xlsx): số sổ, trường hợp, trang, PDF, đã nhập, thành tiền theo đơn vị và huyện',
        description: 'Mặc định gồm các sổ đã hoàn thành (step=done) trong phạm vi; có thể lọc như GET /api/registers (ví dụ district=502).',
        querystring: bookFilterSchema.extend({
          date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().describe('ngày lập biên bản yyyy-mm-dd (mặc định hôm nay)'),
          contractor: z.string().max(200).optional().describe('tên đơn vị thực hiện'),
        }),
        response: { 200: download('biên bản nghiệm thu (.xlsx)', [XLSX]), ...commonErrors, 404: errorBodySchema },
      },
      handler: async (req, reply) => {
        const { date, contractor, ...filter } = req.query;
        const books = await ctx.books.listAll(buildQuery(ctx.units, actorOf(req), { ...filter, step: filter.step ?? ['done'] }, ctx.plan.now()));
        const rows = books
          .filter((b) => b.agencyCode && b.districtCode)
          .map((b) => ({
            workflowId: b.id,
            agencyCode: b.agencyCode!,
            agencyName: b.agencyName ?? ctx.units.findAgency(b.agencyCode!)?.name ?? b.agencyCode!,
            districtCode: b.districtCode!,
            cases: b.counts.inventoryCases ?? b.recordCount ?? 0,
            pages: b.counts.pages ?? b.counts.inventoryPages ?? 0,
            pdfs: b.counts.pdfs ?? 0,
            imported: b.counts.imported ?? b.counts.manualEntered ?? 0,
            mismatches: b.openProblems,
          }));
        const buf = await buildAcceptanceMinutes({
          province: { code: ctx.units.provinceCode, name: ctx.units.provinceName },
          districtName: ctx.units.districtName,
          rows,
          pricePerPage: ctx.config.SOHOA_PRICE_PER_PAGE,
          date: date ?? new Date(),
          ...(contractor ? { contractor } : {}),
        });
        const day = (date ?? new Date().toISOString().slice(0, 10)).replace(/-/g, '');
        return reply
          .type(XLSX)
          .header('content-disposition', `attachment; filename="bien-ban-nghiem-thu-${day}.xlsx"`)
          .header('x-books', String(rows.length))
          .send(buf as never);
      },
    });

    app.route({
      method: 'GET',
      url: '/api/notices',
      schema: {
        tags: ['reports'],
        summary: 'Thông báo nhắc hạn, nhắc việc, tổng hợp sổ quá hạn, báo cáo tuần trong phạm vi của người dùng (mới nhất trước)',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(5000).default(200),
          kind: noticeSchema.shape.kind.optional(),
          bookId: z.string().max(200).optional(),
        }),
        response: { 200: z.object({ items: z.array(noticeSchema) }), ...commonErrors },
      },
      handler: async (req) => {
        const { limit, kind, bookId } = req.query;
        const filtered = kind || bookId;
        const lists = await Promise.all(outboxPaths(ctx.units, actorOf(req)).map((p) => ctx.outbox.list(p, filtered ? 100_000 : limit)));
        const all = [...new Map(lists.flat().map((n) => [n.id, n])).values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
        const items = all.filter((n) => (!kind || n.kind === kind) && (!bookId || n.workflowId === bookId || !!n.workflowIds?.includes(bookId))).slice(0, limit);
        return { items };
      },
    });

    app.route({
      method: 'GET',
      url: '/api/reports/stuck',
      config: { roles: ['manager', 'auditor', 'clerk'] },
      schema: {
        tags: ['reports'],
        summary: 'Sổ bị kẹt: bước tự động lỗi lặp lại, hoặc chờ người quá số ngày cấu hình',
        description: 'Một truy vấn visibility: sổ có SohoaFailing (workflow tự đánh dấu sau mỗi đợt thử lỗi) và sổ chờ người quá hạn; deep=true hỏi thêm từng sổ đang thực hiện (sổ cũ chưa có dấu này, thông báo đang gửi lại; chậm hơn).',
        querystring: z.object({
          days: z.coerce.number().int().min(0).max(3650).optional().describe('số ngày chờ (mặc định SOHOA_WAIT_REMINDER_DAYS)'),
          deep: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
          limit: z.coerce.number().int().min(1).max(10_000).default(500).describe('số sổ chờ người một trang (chờ lâu nhất trước)'),
          offset: z.coerce.number().int().min(0).max(1_000_000).default(0).describe('bỏ qua từng này sổ chờ người'),
        }),
        response: { 200: stuckReportSchema, ...commonErrors },
      },
      handler: async (req) => {
        const { deep, limit, offset } = req.query;
        const days = req.query.days ?? ctx.config.SOHOA_WAIT_REMINDER_DAYS;
        return { days, ...(await ctx.stuck.scan(actorOf(req), { days, deep, limit, offset })) };
      },
    });
  };
