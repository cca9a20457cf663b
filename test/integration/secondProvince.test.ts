import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import type { RegisterSummary } from '../../contracts/v1';
import { loadConfig, planSettingsFromConfig, type Config } from '../../clients/config';
import { loadUnits } from '../../clients/units';
import { UserStore } from '../../clients/users';
import { workflowIdFor } from '../../domain/book';
import type { BookStatus } from '../../domain/bookState';
import type { Units } from '../../domain/units';
import { demoBooks, demoSlots, loadDemo, type DemoResult } from '../../scripts/lib/demo';
import { demoUsers } from '../../scripts/lib/demoUsers';
import { statusQuery } from '../../workflows/definitions';
import { useWorkerEnv } from '../support/temporal';

/**
 * Another province from the dataset, by configuration alone: Ninh Thuận (58), merged into Khánh Hòa
 * (56) in 2025, with a commune split between two successors (Phường Đông Hải). The same demo, the
 * same API; no settings file, so its district books wait for a manager's choice.
 */
const t = useWorkerEnv();
let config: Config;
let units: Units;
let app: FastifyInstance;
let demo: DemoResult;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  config = loadConfig({ SOHOA_PROVINCE: '58', SOHOA_DATA_DIR: t.deps.dir, TEMPORAL_TASK_QUEUE: t.taskQueue, SOHOA_PLAN_DEADLINE: '2099-01-01T00:00:00+07:00', SOHOA_LOG_LEVEL: 'silent' });
  units = loadUnits(config);
  demo = await loadDemo(t.env.client, t.deps.store, t.taskQueue, planSettingsFromConfig(config), Date.now(), units);
  const users = UserStore.inDataDir(t.deps.dir, units);
  for (const u of demoUsers(units)) tokens[u.userId] = (await users.add(u)).token;
  app = await buildApp({ config, temporal: { client: t.env.client }, store: t.deps.store, outbox: t.deps.outbox, users });
  await app.ready();
}, 600_000);
afterAll(async () => app?.close());

const call = (userId: string, url: string) => app.inject({ url, headers: { authorization: `Bearer ${tokens[userId]}` } });
const list = async (userId: string, query = '') => (await call(userId, `/api/registers?pageSize=200${query}`)).json().items as RegisterSummary[];

describe('a second province runs the same demo from configuration alone', () => {
  it('its units come from the dataset: Ninh Thuận, then Khánh Hòa', () => {
    expect(units.provinceName).toBe('Ninh Thuận');
    expect(units.province2025).toEqual({ key: 'n56', code: '56', name: 'Tỉnh Khánh Hòa' });
    const slots = demoSlots(units);
    expect(slots.P.name).toBe('Sở Tư pháp tỉnh Ninh Thuận');
    expect(slots.C5).toMatchObject({ code: '22768', name: 'UBND phường Đông Hải' });
  });

  it('the demo starts every book, part-way through the 2025 change; a second run changes nothing', async () => {
    expect(demo).toMatchObject({ created: 37, existing: 0 });
    expect(demo.handedOver).toBeGreaterThan(0);
    // No settings file: the district office's open books wait for a manager's choice.
    expect(demo.undecided).toBeGreaterThan(0);
    expect(await loadDemo(t.env.client, t.deps.store, t.taskQueue, planSettingsFromConfig(config), Date.now(), units)).toEqual({ created: 0, existing: 37, handedOver: 0, undecided: 0 });
  });

  it('the split commune’s open books went to the successor the data names', async () => {
    const split = demoBooks(units).filter((b) => b.slot === 'C5');
    const statuses = await Promise.all(split.map(({ book }) => t.env.client.workflow.getHandle(workflowIdFor(book)).query(statusQuery)));
    const open = statuses.filter((s: BookStatus) => s.phase !== 'closed');
    expect(open.length).toBeGreaterThan(0);
    for (const s of open) {
      expect(s.custodian).toMatchObject({ key: 'n22780', era: '2025' });
      expect(s.handovers[0]!.reason).toMatch(/UBND phường Đông Hải được chia cho .*; dữ liệu sắp xếp nêu UBND phường .* là đơn vị nhận mặc định/);
    }
  });

  it('through the API: the province sees every book, the 2025 commune the ones it holds and its predecessors’', async () => {
    const all = await list('quanly.tinh');
    expect(all).toHaveLength(37);
    expect(await list('quanly.n56')).toHaveLength(37);
    const held = all.filter((b) => b.handedOver);
    expect(held.length).toBe(demo.handedOver);
    const successor = units.successionOf(demoSlots(units).C1.code);
    if (successor.kind !== 'to') throw new Error('C1 has a successor');
    const clerk = `congchuc.${successor.to.key}`;
    const mine = await list(clerk);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((b) => b.custodianKey === successor.to.key || units.predecessorsOf(successor.to.key).includes(b.custodianKey ?? ''))).toBe(true);
    const reference = (await call(clerk, '/api/reference')).json();
    expect(reference.province).toEqual({ code: '58', name: 'Ninh Thuận' });
    expect(reference.holders.map((x: { key: string }) => x.key)).toEqual([successor.to.key]);
    const byHolder = (await call('quanly.tinh', '/api/reports/progress?by=unit2025')).json();
    expect(byHolder.total.books).toBe(37);
  });
});
