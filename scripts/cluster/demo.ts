/**
 * The demo province on the cluster, loaded as `make up` loads it on the dev server (idempotent:
 * a second run starts nothing), and the demo users; prints where everything is.
 */
import { Client, Connection } from '@temporalio/client';
import { resolve } from 'node:path';
import { loadConfig, planSettingsFromConfig } from '../../clients/config';
import { createStore } from '../../clients/storage';
import { loadUnits } from '../../clients/units';
import { loadDemo } from '../lib/demo';
import { ensureDemoUsers } from '../lib/demoUsers';

const config = loadConfig(process.env);
const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
const units = loadUnits(config);
console.log(`Nạp dữ liệu mẫu tỉnh ${units.provinceName} (${units.provinceCode})…`);
const t0 = Date.now();
const demo = await loadDemo(client, await createStore(config), config.TEMPORAL_TASK_QUEUE, planSettingsFromConfig(config), Date.now(), units);
console.log(`Dữ liệu mẫu: ${demo.created} sổ mới, ${demo.existing} sổ đã có (${((Date.now() - t0) / 1000).toFixed(1)} s).`);
const tokens = await ensureDemoUsers(resolve(config.SOHOA_DATA_DIR), units);
await connection.close();
console.log(`  Mã đăng nhập   : ${tokens}   (quanly.tinh = quản lý dự án cấp tỉnh)`);
