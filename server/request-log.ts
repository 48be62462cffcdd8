/**
 * One JSON line per HTTP request (on stderr, with the server's other JSON lines): request id, method, route, status, duration, the process
 * role, and for an authorized API request its clinic and the token's role. Never the query string
 * (a Cube query there carries filter values), a header, a token or a body: the path names a route, the
 * clinic and role are what an operator needs to find a tenant's requests, and nothing else is written.
 *
 * The request id is taken from `X-Request-Id` when the caller (a proxy, a portal) sends a sane one, or
 * made here; it is returned in `X-Request-Id` and set on the request before Cube sees it, so Cube's
 * own log events for that request (errors, server/app.ts) carry the same id.
 */
import crypto from 'node:crypto';
import type express from 'express';
import type { Role } from './config.js';

/** What a caller's id may look like: a UUID, a trace id, a proxy's id; nothing that could smuggle text. */
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface RequestLogLine {
  level: 'info' | 'warn' | 'error';
  message: 'request';
  requestId: string;
  method: string;
  route: string;
  status: number;
  ms: number;
  role: Role;
  clinic?: number;
  tokenRole?: string;
  /** Cube asked the client to ask again (its query still runs): a 200 without data. */
  continueWait?: boolean;
  /** The connection closed before the answer was sent. */
  aborted?: boolean;
}

export function requestIdOf(header: string | undefined): string {
  return header !== undefined && SANE_ID.test(header) ? header : crypto.randomUUID();
}

/** The route as logged: the path only, with long opaque segments (hashed asset names) kept. */
function routeOf(req: express.Request): string {
  return req.path.length > 200 ? `${req.path.slice(0, 200)}…` : req.path;
}

export function requestLog(role: Role, write: (line: RequestLogLine) => void): express.RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const requestId = requestIdOf(req.get('x-request-id'));
    // Cube reads the id from this header (its getRequestIdFromRequest): one id in both logs.
    req.headers['x-request-id'] = requestId;
    res.setHeader('X-Request-Id', requestId);
    let continueWait = false;
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      continueWait = (body as { error?: unknown } | null)?.error === 'Continue wait';
      return json(body);
    };
    const done = (aborted: boolean) => {
      const status = res.statusCode;
      const context = (req as { securityContext?: { clinic_id?: unknown; role?: unknown } }).securityContext;
      write({
        level: status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info',
        message: 'request',
        requestId,
        method: req.method,
        route: routeOf(req),
        status,
        ms: Math.round(performance.now() - started),
        role,
        ...(typeof context?.clinic_id === 'number' ? { clinic: context.clinic_id } : {}),
        ...(typeof context?.role === 'string' ? { tokenRole: context.role } : {}),
        ...(continueWait ? { continueWait } : {}),
        ...(aborted ? { aborted } : {}),
      });
    };
    res.once('finish', () => done(false));
    res.once('close', () => {
      if (!res.writableFinished) done(true);
    });
    next();
  };
}
