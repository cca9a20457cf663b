import type { NativeConnection, Worker } from '@temporalio/worker';
import { createServer, type Server } from 'node:http';

/**
 * The worker's small HTTP port (opt-in with WORKER_HEALTH_PORT), for a supervisor or an orchestrator:
 * `/health/live` answers while the process's event loop turns; `/health/ready` only while the worker
 * polls (RUNNING) and Temporal answers, so it turns 503 as soon as SIGTERM starts the drain.
 */
export function serveWorkerHealth(o: { worker: Worker; connection: NativeConnection; host: string; port: number }): Promise<Server> {
  const server = createServer((req, res) => {
    const send = (code: number, body: object) => {
      res.writeHead(code, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/health/live') return send(200, { status: 'ok' });
    if (req.url !== '/health/ready') return send(404, { error: 'NOT_FOUND' });
    const state = o.worker.getState();
    if (state !== 'RUNNING') return send(503, { status: 'not-ready', state });
    const t0 = performance.now();
    // Bounded: with Temporal away the SDK keeps retrying the call, and a probe must answer.
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('Temporal không trả lời sau 2000 ms')), 2000).unref());
    Promise.race([o.connection.workflowService.getSystemInfo({}), timeout]).then(
      () => send(200, { status: 'ok', state, temporalMs: Math.round(performance.now() - t0) }),
      (e: Error) => send(503, { status: 'not-ready', state, temporal: e.message }),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve(server));
  });
}
