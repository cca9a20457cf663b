import { proxyActivities } from '@temporalio/workflow';
import type { GatewayResult, ImportPackageInput } from '../../../activities/gateway/types';

/** Test-only workflow: the import step alone, with Temporal's retries around the gateway's own. */
const { submitImport } = proxyActivities<{ submitImport(p: ImportPackageInput): Promise<GatewayResult> }>({
  startToCloseTimeout: '20s',
  retry: { initialInterval: '200ms', backoffCoefficient: 1.5, maximumAttempts: 6, nonRetryableErrorTypes: ['InvalidImportPackage', 'ImportPackageIncomplete'] },
});

export async function importOnce(pkg: ImportPackageInput): Promise<GatewayResult> {
  return submitImport(pkg);
}
