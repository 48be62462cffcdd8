/**
 * `/readyz` and `/livez`, the project's own rather than Cube's: Cube's liveness probe tests the
 * database, so a database outage would make an orchestrator restart every instance (and lose every
 * request in flight) when waiting is right; and Cube's readiness cannot say "shutting down".
 *
 * - `/livez`: the process answers. 200 until the process exits.
 * - `/readyz`: 200 when this instance should get traffic: not shutting down, the database answers a
 *   `SELECT 1` within PROBE_TIMEOUT_MS, and for a `refresh` worker its first full refresh pass is done.
 *   Otherwise 503, with the reason. The database probe is shared by callers for PROBE_CACHE_MS, so that
 *   a load balancer polling every instance does not add a query per poll.
 */
import type express from 'express';
import type { Role } from './config.js';
import { withinMs } from './time-limit.js';

export const PROBE_TIMEOUT_MS = 2_000;
const PROBE_CACHE_MS = 1_000;

export type Readiness = 'ready' | 'shutting-down' | 'database-unreachable' | 'building';

export interface Health {
  /** Readiness false from now on (SIGTERM): load balancers stop sending before the port closes. */
  beginShutdown(): void;
  /** The refresh worker's first full pass is done. */
  markBuilt(): void;
  readiness(): Promise<{ status: Readiness; detail?: string }>;
  /** Mounts /readyz and /livez (before Cube's own routes, which they replace). */
  install(app: express.Express): void;
}

export function createHealth(options: { role: Role; probeDatabase: () => Promise<unknown> }): Health {
  let shuttingDown = false;
  let built = options.role !== 'refresh';
  let probe: { at: number; result: Promise<string | undefined> } | undefined;

  /** undefined when the database answered, else why not. */
  const probeDatabase = (): Promise<string | undefined> => {
    if (probe && performance.now() - probe.at < PROBE_CACHE_MS) return probe.result;
    const answered = options.probeDatabase().then(
      () => undefined,
      (error: unknown) => String((error as Error)?.message ?? error),
    );
    const result = withinMs(answered, PROBE_TIMEOUT_MS, () => `no answer within ${PROBE_TIMEOUT_MS} ms`);
    probe = { at: performance.now(), result };
    return result;
  };

  const health: Health = {
    beginShutdown() {
      shuttingDown = true;
    },
    markBuilt() {
      built = true;
    },
    async readiness() {
      if (shuttingDown) return { status: 'shutting-down' };
      const unreachable = await probeDatabase();
      if (unreachable !== undefined) return { status: 'database-unreachable', detail: unreachable };
      if (!built) return { status: 'building', detail: 'the first refresh pass has not finished' };
      return { status: 'ready' };
    },
    install(app) {
      app.get('/livez', (_req, res) => {
        res.set('Cache-Control', 'no-store').json({ status: 'alive', role: options.role });
      });
      app.get('/readyz', (_req, res, next) => {
        health
          .readiness()
          .then(({ status, detail }) => {
            res
              .status(status === 'ready' ? 200 : 503)
              .set('Cache-Control', 'no-store')
              .json({ status, role: options.role, ...(detail ? { detail } : {}) });
          })
          .catch(next);
      });
    },
  };
  return health;
}
