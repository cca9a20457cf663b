import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildApp } from '../../api/app';
import { loadConfig } from '../../clients/config';
import { ROOT } from '../../clients/paths';
import { UserStore } from '../../clients/users';
import type { Actor, Role } from '../../domain/actors';
import { units } from '../support/fixtures';
import { startDevServer, tempDeps, testWorker } from '../support/temporal';

export const SCHEMATHESIS = join(ROOT, '.tools', 'venv', 'bin', 'st');

/** One fuzzing user per role, each with a jurisdiction that holds the seeded books. */
export const FUZZ_USERS: Record<Role, Actor> = {
  admin: { userId: 'fuzz.admin', role: 'admin', scope: 'province', agencyCode: '49' },
  manager: { userId: 'fuzz.manager', role: 'manager', scope: 'province', agencyCode: '49' },
  clerk: { userId: 'fuzz.clerk', role: 'clerk', scope: 'agency', agencyCode: '20194' },
  contractor: { userId: 'fuzz.contractor', role: 'contractor', scope: 'district', agencyCode: '502' },
  c06: { userId: 'fuzz.c06', role: 'c06', scope: 'district', agencyCode: '502' },
  auditor: { userId: 'fuzz.auditor', role: 'auditor', scope: 'province', agencyCode: '49' },
};

export interface FuzzApi {
  baseUrl: string;
  dir: string;
  /** The API's own log (pino NDJSON). */
  logFile: string;
  tokens: Record<Role, string>;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** The real API on a free port, with a dev server, a worker, a few books and a token per role. */
export async function startFuzzApi(): Promise<FuzzApi> {
  const env: TestWorkflowEnvironment = await startDevServer();
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let app: FastifyInstance | undefined;
  const close = async () => {
    await app?.close().catch(() => undefined);
    worker?.shutdown();
    await running?.catch(() => undefined);
    await env.teardown();
  };
  try {
    const deps = await tempDeps();
    const w = await testWorker(env, deps);
    worker = w.worker;
    running = worker.run();
    const config = loadConfig({
      SOHOA_DATA_DIR: deps.dir,
      TEMPORAL_TASK_QUEUE: w.taskQueue,
      SOHOA_PLAN_DEADLINE: '2099-01-01T00:00:00+07:00',
      SOHOA_MAX_UPLOAD_MB: '4',
      SOHOA_LOG_LEVEL: 'info',
      // schemathesis tries bad tokens on every operation from one address: the sign-in limits are tested elsewhere.
      SOHOA_AUTH_FAILURES_PER_IP: '1000000',
      SOHOA_AUTH_FAILURES_PER_USER: '1000000',
    });
    const users = UserStore.inDataDir(deps.dir, units);
    const tokens = {} as Record<Role, string>;
    for (const [role, a] of Object.entries(FUZZ_USERS) as Array<[Role, Actor]>) tokens[role] = (await users.add(a)).token;
    const logFile = join(deps.dir, 'api.log');
    app = await buildApp({ config, temporal: { client: env.client }, store: deps.store, outbox: deps.outbox, users, logStream: createWriteStream(logFile) });
    const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    const seeded = await fetch(`${baseUrl}/api/registers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.manager}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        items: [
          { agencyCode: '20194', type: 'KS', bookNo: '01', yearFrom: 2017 },
          { agencyCode: '20194', type: 'KH', bookNo: '01', yearFrom: 2012 },
          { agencyCode: '20245', type: 'KT', bookNo: '02', yearFrom: 2018 },
        ],
      }),
    });
    if (seeded.status !== 200) throw new Error(`seeding books: ${seeded.status} ${await seeded.text()}`);
    return { baseUrl, dir: deps.dir, logFile, tokens, app, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** What schemathesis checks: every answer is documented, matches its schema, is no 5xx, and comes in time. */
export const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
  'response_schema_conformance',
  'unsupported_method',
  'ignored_auth',
];

export interface FuzzRun {
  role: Role;
  exitCode: number | null;
  /** Test cases schemathesis ran (from its JUnit report). */
  cases: number;
  failures: string[];
  output: string;
  ms: number;
}

export interface FuzzOptions {
  seed: number;
  maxExamples: number;
  phases?: string;
  /** Seconds before one request counts as a hang. */
  requestTimeout?: number;
  reportDir: string;
  /** Seconds the whole run may take (schemathesis stops generating when spent). */
  maxTime?: number;
  /** Requests in flight at once (the API waits on Temporal much of the time). */
  workers?: number;
}

/** Runs the schemathesis CLI as one role against the API's own OpenAPI document. */
export async function runSchemathesis(api: FuzzApi, role: Role, o: FuzzOptions): Promise<FuzzRun> {
  if (!existsSync(SCHEMATHESIS)) throw new Error(`${SCHEMATHESIS} is missing: run scripts/install-tools.sh (make test does)`);
  await mkdir(o.reportDir, { recursive: true });
  const junit = join(o.reportDir, `${role}.junit.xml`);
  const args = [
    'run', `${api.baseUrl}/docs/json`,
    '--url', api.baseUrl,
    '-H', `Authorization: Bearer ${api.tokens[role]}`,
    '--checks', CHECKS.join(','),
    '--seed', String(o.seed),
    '--max-examples', String(o.maxExamples),
    '--phases', o.phases ?? 'examples,coverage,fuzzing',
    '--request-timeout', String(o.requestTimeout ?? 15),
    '--workers', String(o.workers ?? 2),
    '--generation-database', 'none',
    '--no-shrink',
    '--suppress-health-check', 'all',
    '--warnings', 'off',
    '--no-color',
    '--report', 'junit',
    '--report-junit-path', junit,
    ...(o.maxTime ? ['--max-time', String(o.maxTime)] : []),
  ];
  const t0 = Date.now();
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(SCHEMATHESIS, args, { cwd: o.reportDir, env: { ...process.env, SCHEMATHESIS_HOOKS: '' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, output: out }));
  });
  const xml = await readFile(junit, 'utf8').catch(() => '');
  // "Test cases:\n  2411 generated, 7 found 7 unique failures, 39 skipped" (or "N generated, N passed").
  const cases = Number(/Test cases:\s*\n\s*(\d+) generated/.exec(output)?.[1] ?? 0);
  // One line per finding: the operation, the check and what came back (the full text is in the report).
  const failures = [...xml.matchAll(/<testcase name="([^"]+)"[^>]*>\s*<(failure|error)[^>]*message="([^"]*)">([\s\S]*?)<\/(?:failure|error)>/g)].map((m) => {
    const what = m[4]!.split('\n').map((l) => l.trim()).filter((l) => /^- |Received|Unsupported|timed out|\[\d{3}\]/.test(l)).slice(0, 4);
    return `${m[1]}: ${m[3]} ${what.join(' | ')}`.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  });
  return { role, exitCode: code, cases, failures, output, ms: Date.now() - t0 };
}
