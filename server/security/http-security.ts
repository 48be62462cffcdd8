/**
 * HTTP hardening for embedding (docs/security.md): CORS limited to the configured portal origins,
 * `frame-ancestors` so only those portals can frame the dashboard, no caching of tenant data by
 * shared caches, request bodies parsed here with a size limit and a clear 4xx for bad JSON, and
 * Cube routes this product does not use closed. Installed on the express app before Cube's routes.
 */
import express from 'express';

interface HttpSecurityOptions {
  /** Origins (scheme://host[:port]) of the portals that embed the dashboard or call the API. */
  allowedOrigins: readonly string[];
  /** Largest accepted request body, in bytes. */
  maxBodyBytes: number;
}

/** Request bodies (and WebSocket messages, see server/app.ts) larger than this are refused. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

const API_PREFIX = '/cubejs-api';

/**
 * Cube routes that the report, the widgets and analysts do not need: GraphQL, the SQL API (native
 * only), the Rollup Designer, job control, query cancellation and the system API. Closed rather than
 * left for someone to probe.
 */
const CLOSED_ROUTES = [
  `${API_PREFIX}/graphql`,
  `${API_PREFIX}/v1/graphql-to-json`,
  `${API_PREFIX}/v1/cubesql`,
  `${API_PREFIX}/v1/convert-query`,
  `${API_PREFIX}/v1/running-query`,
  `${API_PREFIX}/v1/pre-aggregations`,
  '/cubejs-system',
];

/** The CSP directive that says who may frame our pages: this server and the portals. */
function frameAncestors(allowedOrigins: readonly string[]): string {
  return `frame-ancestors ${["'self'", ...allowedOrigins].join(' ')}`;
}

function jsonError(res: express.Response, status: number, error: string): void {
  res.status(status).json({ error });
}

export function applyHttpSecurity(app: express.Express, options: HttpSecurityOptions): void {
  const allowed = new Set(options.allowedOrigins);
  const csp = frameAncestors(options.allowedOrigins);

  app.use((req, res, next) => {
    res.set('Content-Security-Policy', csp);
    // Without portal origins nothing but this server may frame it, old browsers included.
    if (allowed.size === 0) res.set('X-Frame-Options', 'SAMEORIGIN');
    res.set('X-Content-Type-Options', 'nosniff');
    res.set('Referrer-Policy', 'no-referrer');
    if (req.path.startsWith(API_PREFIX)) {
      // Answers depend on the caller's token: no shared or browser cache may keep or replay them.
      res.set('Cache-Control', 'no-store');
    }
    next();
  });

  app.use(API_PREFIX, (req, res, next) => {
    const origin = req.headers.origin;
    if (origin !== undefined && allowed.has(origin)) {
      res.set('Access-Control-Allow-Origin', origin);
      res.vary('Origin');
      if (req.method === 'OPTIONS') {
        res.set('Access-Control-Allow-Methods', 'GET, POST');
        res.set('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Request-Id');
        res.set('Access-Control-Max-Age', '600');
        res.status(204).end();
        return;
      }
    } else if (req.method === 'OPTIONS' && origin !== undefined) {
      res.vary('Origin');
      jsonError(
        res,
        403,
        `Origin ${origin} may not call this API: the server allows ${allowed.size ? [...allowed].join(', ') : 'no cross-origin callers'} (SCU_ALLOWED_ORIGINS)`,
      );
      return;
    }
    next();
  });

  app.use(CLOSED_ROUTES, (_req, res) => {
    jsonError(res, 404, 'Not available on this server: use /cubejs-api/v1/load, /sql, /dry-run and /meta');
  });

  // Parse JSON bodies here, before Cube's own parser (which then leaves them alone), so that a bad or
  // oversized body is a clear 400/413 instead of Cube's 500.
  app.use(API_PREFIX, express.json({ limit: options.maxBodyBytes }));
  app.use(API_PREFIX, (error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    const e = error as { type?: string; status?: number; message?: string };
    if (e?.type === 'entity.parse.failed') {
      jsonError(res, 400, `The request body is not valid JSON: ${e.message}`);
    } else if (e?.type === 'entity.too.large') {
      jsonError(res, 413, `The request body is larger than ${options.maxBodyBytes} bytes`);
    } else if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      jsonError(res, e.status, `Bad request: ${e.message ?? 'unreadable body'}`);
    } else {
      next(error);
    }
  });
}
