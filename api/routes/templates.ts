import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { buildTemplate } from '../../activities/excel/template';
import { registerTypeOf, typeCodes } from '../../domain/registerTypes';
import { ApiError, commonErrors, download, errorBodySchema } from '../errors';
import { inventoryTemplate } from '../services/inventory';
import { XLSX } from '../services/requestFiles';
import type { AppContext } from '../context';

/** Empty templates to fill: the inventory list and the Excel transcription of each register type. */
export const templateRoutes =
  (ctx: Pick<AppContext, 'units'>): FastifyPluginAsyncZod =>
  async (app) => {
    app.route({
      method: 'GET',
      url: '/api/templates/inventory.xlsx',
      schema: { tags: ['uploads'], summary: 'Mẫu danh mục sổ (.xlsx) để nhập bằng /api/registers/import', response: { 200: download('mẫu danh mục (.xlsx)', [XLSX]), ...commonErrors } },
      handler: async (_req, reply) =>
        reply.type(XLSX).header('content-disposition', 'attachment; filename="danh-muc-so.xlsx"').send((await inventoryTemplate(ctx.units)) as never),
    });

    app.route({
      method: 'GET',
      url: '/api/templates/:file',
      schema: {
        tags: ['uploads'],
        summary: 'Mẫu Excel nhập liệu theo loại sổ, ví dụ /api/templates/KS.xlsx hoặc /api/templates/birth.xlsx',
        params: z.object({ file: z.string().regex(/^[A-Za-z]+\.xlsx$/, 'dạng {loại}.xlsx, ví dụ KS.xlsx') }),
        response: { 200: download('mẫu nhập liệu (.xlsx)', [XLSX]), ...commonErrors, 404: errorBodySchema },
      },
      handler: async (req, reply) => {
        const name = req.params.file.replace(/\.xlsx$/i, '');
        const type = registerTypeOf(name);
        if (!type) throw new ApiError('NotFound', `không có mẫu cho loại sổ "${name}"; dùng ${typeCodes.join(', ')} hoặc inventory`);
        const buf = await buildTemplate(type);
        return reply.type(XLSX).header('content-disposition', `attachment; filename="mau-${name}.xlsx"`).send(buf as never);
      },
    });
  };
