/**
 * bench:starts — how many books a second the embedded default (Temporal dev server on a SQLite
 * file) takes in, as the inventory import and `make up` start them: the project's tuned SQLite
 * (WAL, synchronous=normal) against the same server with SQLite's defaults, side by side in one
 * run. Each start is the API's own (`startBook`). Ends with one JSON line.
 */
import { Client, Connection } from '@temporalio/client';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBook } from '../clients/temporal/startBook';
import { bookSchema, type Book } from '../domain/book';
import { loadUnits } from '../clients/units';

const AGENCIES = loadUnits().agencies;
import { TASK_QUEUE } from '../workflows/definitions';
import { registerTypes } from '../domain/registerTypes';
import { planSettingsSchema } from '../domain/settings';
import { startDevServer } from '../clients/temporal/devServer';

const BOOKS = Number(process.env.BENCH_BOOKS ?? 600);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

function books(n: number): Book[] {
  return Array.from({ length: n }, (_, i) =>
    bookSchema.parse({
      agency: AGENCIES[i % AGENCIES.length],
      type: registerTypes[i % registerTypes.length],
      bookNo: String(1 + i), // unique per book
      yearFrom: 1990 + (i % 30),
      yearTo: 1990 + (i % 30),
    }),
  );
}

async function run(tuned: boolean): Promise<{ startsPerSec: number; seconds: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-bench-starts-'));
  const port = await freePort();
  const server = await startDevServer({ dbFile: join(dir, 'temporal.db'), port, uiPort: await freePort(), tuned });
  try {
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const plan = planSettingsSchema.parse({});
    const queue = books(BOOKS);
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let b = queue.shift(); b; b = queue.shift()) {
          if ((await startBook(client, TASK_QUEUE, b, plan)).result !== 'created') throw new Error(`${b.bookNo}: not created`);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    await connection.close();
    return { startsPerSec: BOOKS / seconds, seconds };
  } finally {
    server.child.kill('SIGKILL');
    await new Promise((r) => server.child.once('exit', r));
    await rm(dir, { recursive: true, force: true });
  }
}

// Alternate the two, twice each, and keep each side's best: the machine is shared.
const sides = { baseline: [] as number[], project: [] as number[] };
for (let round = 0; round < 2; round++) {
  sides.baseline.push((await run(false)).startsPerSec);
  sides.project.push((await run(true)).startsPerSec);
}
const baseline = Math.max(...sides.baseline);
const project = Math.max(...sides.project);
const ratio = project / baseline;
console.table([
  { side: 'baseline: dev server, SQLite defaults', books: BOOKS, concurrency: CONCURRENCY, startsPerSec: +baseline.toFixed(1) },
  { side: 'project: dev server, WAL + synchronous=normal', books: BOOKS, concurrency: CONCURRENCY, startsPerSec: +project.toFixed(1) },
]);
console.log(
  JSON.stringify({ bench: 'starts', ratio: +ratio.toFixed(2), peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), throughputStartsPerSec: +project.toFixed(1), baselineStartsPerSec: +baseline.toFixed(1), books: BOOKS, concurrency: CONCURRENCY }),
);
process.exit(0);
