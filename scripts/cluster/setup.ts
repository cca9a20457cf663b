/**
 * The cluster's Temporal side and store, once the servers answer (scripts/cluster/up.sh): the
 * namespace with its retention, the search attributes, the bucket, the workflow bundle (built once,
 * before two workers start), and the demo plan's deadline for the workers and the API (plan.env).
 */
import { Connection } from '@temporalio/client';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../clients/config';
import { createStore } from '../../clients/storage';
import { waitForFrontend } from '../../clients/temporal/devServer';
import { ensureNamespace } from '../../clients/temporal/namespace';
import { buildWorkflowBundle } from '../../clients/workflowBundle/build';
import { demoDeadline } from '../lib/demoPlan';

const config = loadConfig(process.env);
const retention = /^(\d+)d$/.exec(process.env.SOHOA_CLUSTER_RETENTION ?? '');
if (!retention) throw new Error('SOHOA_CLUSTER_RETENTION: phải là số ngày, ví dụ 1095d');
await waitForFrontend(config.TEMPORAL_ADDRESS);
const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
for (const line of await ensureNamespace(connection, config.TEMPORAL_NAMESPACE, Number(retention[1]))) console.log(`setup: ${line}`);
await connection.close();
await createStore(config);
await buildWorkflowBundle();
const dataDir = resolve(config.SOHOA_DATA_DIR);
await writeFile(join(dataDir, 'plan.env'), `SOHOA_PLAN_DEADLINE=${process.env.SOHOA_PLAN_DEADLINE_OVERRIDE ?? (await demoDeadline(dataDir))}\n`);
console.log(`setup: namespace ${config.TEMPORAL_NAMESPACE}, bucket ${config.S3_BUCKET}, workflow bundle ready`);
