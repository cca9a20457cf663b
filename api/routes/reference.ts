import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ACTION_LABELS_VI, actionNames, rolesFor } from '../../domain/actions';
import { actorSchema, ROLE_LABELS_VI, roles } from '../../domain/actors';
import { AGENCY_LEVEL_LABELS_VI, agencySchema } from '../../domain/agencies';
import { districtName } from '../../domain/data/quangNam';
import { PERIODS } from '../../domain/periods';
import { STEP_LABELS_VI, steps } from '../../domain/plan';
import { REGISTER_TYPES, registerTypes } from '../../domain/registerTypes';
import { actorOf, agenciesOf } from '../auth/access';
import type { AppContext } from '../context';
import { commonErrors } from '../errors';

const labelled = z.array(z.object({ id: z.string(), label: z.string() }));
const referenceSchema = z.object({
  registerTypes: z.array(z.object({ id: z.string(), code: z.string(), label: z.string() })),
  periods: z.array(z.object({ id: z.string(), label: z.string(), from: z.number().nullable(), to: z.number() })),
  steps: labelled,
  actions: z.array(z.object({ id: z.string(), label: z.string(), roles: z.array(z.string()), reviewRoles: z.array(z.string()).optional() })),
  roles: labelled,
  levels: labelled,
  districts: z.array(z.object({ code: z.string(), name: z.string() })),
  agencies: z.array(agencySchema).describe('đơn vị trong phạm vi của người dùng'),
});

export const referenceRoutes =
  (_ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.route({
      method: 'GET',
      url: '/api/me',
      schema: { tags: ['reference'], summary: 'Người dùng của mã truy cập này (vai trò, phạm vi)', response: { 200: actorSchema.extend({ roleLabel: z.string() }), ...commonErrors } },
      handler: async (req) => {
        const a = actorOf(req);
        return { ...a, roleLabel: ROLE_LABELS_VI[a.role] };
      },
    });

    app.route({
      method: 'GET',
      url: '/api/reference',
      schema: { tags: ['reference'], summary: 'Danh mục: loại sổ, nhóm sổ, bước, thao tác, vai trò, đơn vị trong phạm vi', response: { 200: referenceSchema, ...commonErrors } },
      handler: async (req) => {
        const actor = actorOf(req);
        const agencies = agenciesOf(actor);
        const districts = [...new Set(agencies.map((a) => a.districtCode))];
        return {
          registerTypes: registerTypes.map((t) => ({ id: t, code: REGISTER_TYPES[t].code, label: REGISTER_TYPES[t].nameVi })),
          periods: PERIODS.map((p) => ({ id: p.id, label: p.nameVi, from: Number.isFinite(p.from) ? p.from : null, to: p.to })),
          steps: steps.map((s) => ({ id: s, label: STEP_LABELS_VI[s] })),
          actions: actionNames.map((a) => ({
            id: a,
            label: ACTION_LABELS_VI[a],
            roles: ['admin', ...rolesFor(a, 'scan')],
            ...(a === 'approve' || a === 'reject' ? { reviewRoles: ['admin', ...rolesFor(a, 'acceptance')] } : {}),
          })),
          roles: roles.map((r) => ({ id: r, label: ROLE_LABELS_VI[r] })),
          levels: (['province', 'district', 'commune'] as const).map((l) => ({ id: l, label: AGENCY_LEVEL_LABELS_VI[l] })),
          districts: districts.map((code) => ({ code, name: districtName(code) })).sort((a, b) => a.code.localeCompare(b.code)),
          agencies,
        };
      },
    });
  };
