/**
 * `make up`: the embedded default. Temporal dev server on ./data/temporal.db, the worker, the API
 * and dashboard (when present), and the demo province, loaded idempotently. Ctrl-C stops everything.
 */
import { Client, Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createStore } from '../clients/storage';
import { loadConfig, planSettingsFromConfig, workerNodeOptions } from '../clients/config';
import { buildWorkflowBundle } from '../clients/workflowBundle/build';
import { loadDemo } from './lib/demo';
import { demoDeadline } from './lib/demoPlan';
import { ensureDemoUsers } from './lib/demoUsers';
import { startDevServer } from '../clients/temporal/devServer';
import { readPlan } from '../clients/temporal/plan';
import { ensureSchedules } from '../clients/temporal/schedules';
import { ROOT } from '../clients/paths';
import { loadUnits } from '../clients/units';

const children: ChildProcess[] = [];
let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\nĐang dừng… (stopping)');
  // API and worker first (the worker drains its tasks), the server last.
  for (const c of [...children].reverse()) c.kill('SIGTERM');
  await Promise.all(children.filter((c) => c.exitCode === null).map((c) => new Promise((r) => c.once('exit', r))));
  process.exit(code);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
// Never leave a server behind: a failure anywhere stops the children before exiting.
process.on('uncaughtException', (e) => {
  console.error(`lỗi: ${e.message}`);
  void stop(1);
});
process.on('unhandledRejection', (e) => {
  console.error(`lỗi: ${(e as Error)?.message ?? e}`);
  void stop(1);
});
process.on('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

const dataDir = resolve(process.env.SOHOA_DATA_DIR ?? join(ROOT, 'data'));
await mkdir(dataDir, { recursive: true });

const env = { ...process.env, SOHOA_DATA_DIR: dataDir, SOHOA_PLAN_DEADLINE: process.env.SOHOA_PLAN_DEADLINE ?? (await demoDeadline(dataDir)) };
const config = loadConfig(env);

console.log('Khởi động Temporal (SQLite: data/temporal.db)…');
const [host, port] = config.TEMPORAL_ADDRESS.split(':');
const server = await startDevServer({ dbFile: join(dataDir, 'temporal.db'), ip: host, port: Number(port), namespace: config.TEMPORAL_NAMESPACE });
children.push(server.child);
server.child.once('exit', () => void stop(1));

await buildWorkflowBundle();
const tsx = join(ROOT, 'node_modules/.bin/tsx');
const run = (name: string, script: string, extra: Record<string, string> = {}) => {
  const child = spawn(tsx, [join(ROOT, script)], { env: { ...env, ...extra }, stdio: 'inherit' });
  child.once('exit', (code) => {
    if (!stopping) {
      console.error(`${name} exited (${code})`);
      void stop(1);
    }
  });
  children.push(child);
};
run('worker', 'workers/main.ts', { NODE_OPTIONS: workerNodeOptions(env) });
run('api', 'api/main.ts');

const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
const schedules = await ensureSchedules(client, config);
console.log(`Lịch chạy: ${schedules.map((s) => `${s.id} (${{ created: 'mới tạo', updated: 'đã cập nhật', unchanged: 'không đổi' }[s.result]})`).join(', ')}`);
const units = loadUnits(config);
console.log(`Nạp dữ liệu mẫu tỉnh ${units.provinceName} (${units.provinceCode}; từ 1/7/2025 thuộc ${units.province2025.name})…`);
const demo = await loadDemo(client, await createStore(config), config.TEMPORAL_TASK_QUEUE, planSettingsFromConfig(config), Date.now(), units);
console.log(`Dữ liệu mẫu: ${demo.created} sổ mới, ${demo.existing} sổ đã có; ${demo.handedOver} sổ đã bàn giao cho đơn vị mới, ${demo.undecided} sổ chờ quản lý chọn đơn vị nhận.`);
const tokens = await ensureDemoUsers(dataDir, units);

console.log(`
sohoa đang chạy (Ctrl-C để dừng):
  Temporal Web UI : http://${host}:8233/namespaces/${config.TEMPORAL_NAMESPACE}/workflows
  Temporal gRPC   : ${config.TEMPORAL_ADDRESS}
  Lịch chạy       : .tools/bin/temporal schedule list --address ${config.TEMPORAL_ADDRESS}
  Bảng điều khiển: http://${config.API_HOST}:${config.API_PORT}/   (API: /api, OpenAPI: /docs)
  Mã đăng nhập   : ${tokens}   (quanly.tinh = quản lý dự án cấp tỉnh)
  Dữ liệu        : ${dataDir}
  Hạn kế hoạch    : ${(await readPlan(client, config.SOHOA_PLAN_DEADLINE)).deadline}   (đổi: npm run -s sohoa -- plan <hạn mới> --reason …)
`);
