import { badInput } from '../failures';
import { whileAlive } from '../heartbeat';
import { describeIssues } from '../../domain/bookState';
import type { ArtifactStore } from '../../clients/storage/types';
import { HttpGateway, type HttpGatewayOptions } from './http';
import { OutboxGateway } from './outbox';
import { importPackageSchema, type GatewayResult, type ImportPackageInput, type RegistryGateway } from './types';

export { HttpGateway, OutboxGateway };
export type { HttpGatewayOptions };
export * from './types';

/** The gateway named by the config (`SOHOA_GATEWAY`, `SOHOA_GATEWAY_URL`). */
export function createGateway(opts: { mode: 'outbox' | 'http'; url?: string; store: ArtifactStore } & Partial<HttpGatewayOptions>): RegistryGateway {
  if (opts.mode === 'outbox') return new OutboxGateway(opts.store);
  if (!opts.url) throw new Error('SOHOA_GATEWAY_URL: bắt buộc khi SOHOA_GATEWAY=http');
  return new HttpGateway({ ...opts, url: opts.url, store: opts.store });
}

export function createImportActivities(deps: { store: ArtifactStore; gateway: RegistryGateway }) {
  return {
    /**
     * outbox → `{ mode: 'outbox', packageKey, files }`: wait for the clerk's `importConfirmed`;
     * http → `{ mode: 'http', accepted, rejected, receipt, … }`: the counts are final.
     */
    async submitImport(input: ImportPackageInput): Promise<GatewayResult> {
      const parsed = importPackageSchema.safeParse(input);
      if (!parsed.success) throw badInput('InvalidImportPackage', `gói nhập không hợp lệ: ${describeIssues(parsed.error)}`);
      // Copying a large zip (outbox) or posting it (http) is one long call: keep the heartbeat going.
      return whileAlive(() => ({ submitting: parsed.data.workflowId }), () => deps.gateway.submit(parsed.data));
    },
  };
}
export type ImportActivities = ReturnType<typeof createImportActivities>;
