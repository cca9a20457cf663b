/**
 * `sohoa demo --books N`: generates a province-shaped project in a running sohoa (make up): the inventory
 * through the API's import, then a share of the books driven through the later steps (Temporal and the
 * artifact store as configured, like the worker's). Prints the figures; `--json` for scripts.
 */
import { Client, Connection } from '@temporalio/client';
import { Command, Option } from 'commander';
import { loadConfig } from '../clients/config';
import { createStore } from '../clients/storage';
import { loadUnits } from '../clients/units';
import { generateProvince } from './lib/generate';

const env = process.env;
const program = new Command()
  .name('sohoa demo')
  .description('tạo dữ liệu một tỉnh: danh mục sổ nhập qua API, một phần sổ được đưa qua các bước')
  .addOption(new Option('--books <n>', 'số sổ').default(2000).argParser((v) => Number.parseInt(v, 10)))
  .addOption(new Option('--share <x>', 'tỷ lệ sổ được đưa qua các bước sau kiểm kê (0–1)').default(0.02).argParser(Number))
  .addOption(new Option('--seed <n>', 'hạt giống (cùng hạt giống, cùng tỉnh)').default(49).argParser((v) => Number.parseInt(v, 10)))
  .option('--api <url>', 'địa chỉ API (SOHOA_API_URL)', env.SOHOA_API_URL ?? `http://${env.API_HOST ?? '127.0.0.1'}:${env.API_PORT ?? '3000'}`)
  .option('--token <token>', 'mã truy cập của quản lý cấp tỉnh (SOHOA_TOKEN)', env.SOHOA_TOKEN)
  .option('--json', 'in kết quả dạng JSON');

program.parse(process.argv.slice(1));
const o = program.opts<{ books: number; share: number; seed: number; api: string; token?: string; json?: boolean }>();
if (!o.token) program.error('cần mã truy cập của quản lý cấp tỉnh: --token hoặc SOHOA_TOKEN (make up in mã của quanly.tinh)');
if (!(o.books > 0) || !(o.share >= 0 && o.share <= 1)) program.error('--books phải là số dương, --share trong khoảng 0–1');

const config = loadConfig(env);
const client = new Client({ connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS }), namespace: config.TEMPORAL_NAMESPACE });
const r = await generateProvince({ api: o.api, token: o.token!, books: o.books, share: o.share, seed: o.seed, client, store: await createStore(config), units: loadUnits(config), progress: !o.json });
const { lines, ...figures } = r;
console.log(
  o.json
    ? JSON.stringify({ books: lines.length, ...figures })
    : `${lines.length} sổ: ${r.created} tạo mới, ${r.existing} đã có, ${r.rejected} bị từ chối; nhập trong ${r.importSeconds.toFixed(1)} s; ${r.driven} sổ đưa qua các bước trong ${r.driveSeconds.toFixed(1)} s`,
);
await client.connection.close();
