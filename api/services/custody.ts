import type { ActionPayload, HandoverRequest } from '../../contracts/v1/commands';
import type { Custodian } from '../../contracts/v1/values';
import { planHandover } from '../../domain/custody';
import type { Units } from '../../domain/units';
import { ApiError } from '../errors';

export type Handover = { payload: ActionPayload<'changeCustodian'> } | { unchanged: string };

/**
 * A handover request for one book as the workflow's payload (the receiving unit from the units, never
 * from the client). When the data names no single successor (a split commune without a default, a
 * district the province has not decided on) a manager must choose: 409 NeedsDecision with the candidates.
 */
export function resolveHandover(units: Units, holder: Custodian, req: HandoverRequest): Handover {
  const plan = planHandover(units, holder, req.to, req.reason);
  switch (plan.kind) {
    case 'send':
      return { payload: { to: plan.to, reason: plan.reason } };
    case 'unchanged':
      return { unchanged: plan.message };
    case 'unknown':
      throw new ApiError('InvalidPayload', `to: ${plan.message}`, [{ path: 'body.to', message: 'không có trong danh mục' }]);
    case 'ask':
      throw new ApiError('NeedsDecision', plan.message, [
        { path: 'body.to', message: plan.candidates.length ? `một trong: ${plan.candidates.map((c) => c.key).join(', ')}` : 'mã đơn vị nhận' },
      ]);
  }
}
