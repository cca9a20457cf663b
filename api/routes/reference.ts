import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { meSchema, referenceSchema, type Reference } from '../../contracts/v1';
import { ACTION_LABELS_VI, actionNames, MANAGEMENT_ACTIONS, roleMayAct } from '../../domain/actions';
import { ROLE_LABELS_VI, roles } from '../../domain/actors';
import { AGENCY_LEVEL_LABELS_VI, agencyLevels } from '../../domain/agencies';
import { LAST_PLAN_YEAR, PERIODS } from '../../domain/periods';
import { STEP_LABELS_VI, steps } from '../../domain/plan';
import { REGISTER_TYPES, registerTypes } from '../../domain/registerTypes';
import { TIME_ZONE } from '../../domain/settings';
import type { Units } from '../../domain/units';
import { actorOf, agenciesOf } from '../auth/access';
import { reachOf } from '../../domain/custody';
import type { AppContext } from '../context';
import { commonErrors } from '../errors';

/** The districts of these agencies with their names (the province's own code is "Cấp tỉnh"). */
const districtsOf = (units: Units, agencies: readonly { districtCode: string }[]) =>
  [...new Set(agencies.map((a) => a.districtCode))].map((code) => ({ code, name: units.districtName(code) })).sort((a, b) => a.code.localeCompare(b.code));

/** Who may take each action at which step, as `roleMayAct` decides it: clients show buttons from this. */
const allowed = (action: (typeof actionNames)[number]) =>
  roles.map((role) => ({ role, steps: steps.filter((s) => roleMayAct(role, action, s)) })).filter((r) => r.steps.length > 0);

/** The same for every user and every deployment: labels and the rules as data. */
const catalogue = {
  registerTypes: registerTypes.map((t) => ({ id: t, code: REGISTER_TYPES[t].code, label: REGISTER_TYPES[t].nameVi })),
  periods: PERIODS.map((p) => ({ id: p.id, label: p.nameVi, from: Number.isFinite(p.from) ? p.from : null, to: p.to })),
  lastPlanYear: LAST_PLAN_YEAR,
  timeZone: TIME_ZONE,
  steps: steps.map((s) => ({ id: s, label: STEP_LABELS_VI[s] })),
  actions: actionNames.map((a) => ({ id: a, label: ACTION_LABELS_VI[a], management: MANAGEMENT_ACTIONS.includes(a), allowed: allowed(a) })),
  roles: roles.map((r) => ({ id: r, label: ROLE_LABELS_VI[r] })),
  levels: agencyLevels.map((l) => ({ id: l, label: AGENCY_LEVEL_LABELS_VI[l] })),
} satisfies Omit<Reference, 'province' | 'districts' | 'agencies' | 'holders' | 'units'>;

export const referenceRoutes =
  ({ units }: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    // Every unit's name, also outside a user's scope: timelines name the province's managers.
    const holderOf = ({ key, name }: { key: string; name: string }) => ({ key, code: key, name });
    const unitNames = {
      districts: districtsOf(units, units.agencies),
      agencies: units.agencies.map(({ code, name }) => ({ code, name })),
      holders: units.custodians.map(holderOf),
    };
    const province = { code: units.provinceCode, name: units.provinceName };

    app.route({
      method: 'GET',
      url: '/api/me',
      schema: { tags: ['reference'], summary: 'Người dùng của mã truy cập này (vai trò, phạm vi)', response: { 200: meSchema, ...commonErrors } },
      handler: async (req) => {
        const a = actorOf(req);
        return { ...a, roleLabel: ROLE_LABELS_VI[a.role] };
      },
    });

    app.route({
      method: 'GET',
      url: '/api/reference',
      schema: { tags: ['reference'], summary: 'Danh mục: tỉnh, loại sổ, nhóm sổ, bước, thao tác và quyền, vai trò, đơn vị', response: { 200: referenceSchema, ...commonErrors } },
      handler: async (req): Promise<Reference> => {
        const actor = actorOf(req);
        const agencies = agenciesOf(units, actor);
        const reach = reachOf(units, actor);
        const holders = units.custodians.filter((c) => c.scopes.some((k) => reach.act.includes(k))).map(holderOf);
        return { ...catalogue, province, units: unitNames, districts: districtsOf(units, agencies), agencies, holders };
      },
    });
  };
