/**
 * A small client for the security tests: raw HTTP (so every status and header is visible) and Cube's
 * WebSocket protocol spoken directly ({authorization} first, then method messages), with no SDK that
 * could hide a refusal.
 */
import jwt from 'jsonwebtoken';
import WebSocket from 'ws';
import { mintToken } from '../../../server/security/tokens.js';
import type { Scope } from './oracle.js';

export const V = 'service_code_usage';

export interface Reply {
  status: number;
  body: Record<string, unknown> & { error?: string; data?: Record<string, unknown>[] };
  headers: Headers;
}

/** Cube answers 200 `{error: "Continue wait"}` while a query or pre-aggregation is still being built. */
const CONTINUE_WAIT = 'Continue wait';

/**
 * Node's fetch reuses idle keep-alive connections; the server closes one after 5 idle seconds, and a
 * request sent on it just then fails with "other side closed" before the server has read it. Under
 * load (CI) that happened to the first requests after a pause. Such a request never reached the
 * server, so it is sent again on a new connection; any other failure (a refused connection, a
 * crashed server) still fails the test, with its cause.
 */
async function fetchResendingOnClosedConnection(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      if (attempt < 2 && (cause?.code === 'UND_ERR_SOCKET' || cause?.code === 'ECONNRESET')) continue;
      throw new Error(`${(e as Error).message}: ${cause?.code ?? ''} ${cause?.message ?? ''}`.trim(), { cause: e });
    }
  }
}

export async function request(
  baseUrl: string,
  path: string,
  options: { token?: string; method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetchResendingOnClosedConnection(`${baseUrl}${path}`, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers: {
        ...(options.token === undefined ? {} : { authorization: options.token }),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body,
    });
    const text = await response.text();
    let body: Reply['body'];
    try {
      body = JSON.parse(text) as Reply['body'];
    } catch {
      body = { text } as Reply['body'];
    }
    if (body.error === CONTINUE_WAIT && attempt < 120) {
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    return { status: response.status, body, headers: response.headers };
  }
}

export type DataPath = 'load-get' | 'load-post';

/** POST (or GET) /load with `queryType: multi`, so compare and blending queries are answered too. */
export function load(baseUrl: string, token: string, query: unknown, how: DataPath = 'load-post'): Promise<Reply> {
  if (how === 'load-get') {
    const q = encodeURIComponent(JSON.stringify(query));
    return request(baseUrl, `/cubejs-api/v1/load?queryType=multi&query=${q}`, { token });
  }
  return request(baseUrl, '/cubejs-api/v1/load', { token, body: JSON.stringify({ query, queryType: 'multi' }) });
}

/** The rows of a load reply, whatever its shape (plain, or `results` of a multi reply). */
export function rowsOf(reply: Reply): Record<string, unknown>[] {
  if (Array.isArray(reply.body.results)) {
    return (reply.body.results as { data: Record<string, unknown>[] }[]).flatMap((r) => r.data);
  }
  return reply.body.data ?? [];
}

export function ownerToken(secret: string, clinicId: number, ttlSeconds = 600): string {
  return mintToken(secret, { clinic_id: clinicId, role: 'owner' }, ttlSeconds);
}

export function providerToken(secret: string, clinicId: number, providerId: number, ttlSeconds = 600): string {
  return mintToken(secret, { clinic_id: clinicId, role: 'provider', provider_id: providerId }, ttlSeconds);
}

/** A token for a scope: a provider's when it names one, else `role` (owner by default), with the scope
 * claims it lists (docs/security.md, "Scope claims"). */
export function scopeToken(secret: string, scope: Scope, role: 'owner' | 'billing' = 'owner', ttlSeconds = 600): string {
  return mintToken(
    secret,
    {
      clinic_id: scope.clinicId,
      ...(scope.providerId === undefined ? { role } : { role: 'provider', provider_id: scope.providerId }),
      ...(scope.providerIds ? { provider_ids: scope.providerIds } : {}),
      ...(scope.payorIds ? { payor_ids: scope.payorIds } : {}),
      ...(scope.caseTypeIds ? { case_type_ids: scope.caseTypeIds } : {}),
    },
    ttlSeconds,
  );
}

/** Signs arbitrary claims (no validation): for tokens the server must refuse. */
export function rawToken(secret: string, claims: Record<string, unknown>, options: jwt.SignOptions = {}): string {
  // jsonwebtoken adds iat unless told not to, and deletes a given iat when told not to.
  return jwt.sign(claims, secret, { algorithm: 'HS256', ...('iat' in claims ? {} : { noTimestamp: true }), ...options });
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** One WebSocket connection speaking Cube's protocol. */
export class CubeSocket {
  private nextId = 1;
  private readonly messages: Record<string, unknown>[] = [];
  private readonly waiters: (() => void)[] = [];
  private closed = false;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as Record<string, unknown>);
      this.waiters.splice(0).forEach((w) => w());
    });
    ws.on('close', () => {
      this.closed = true;
      this.waiters.splice(0).forEach((w) => w());
    });
  }

  static async open(baseUrl: string): Promise<CubeSocket> {
    const ws = new WebSocket(baseUrl.replace(/^http/, 'ws'));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new CubeSocket(ws);
  }

  /** The first message matching `match`, waiting up to `timeoutMs`. */
  async next(match: (m: Record<string, unknown>) => boolean, timeoutMs = 20_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.messages.findIndex(match);
      if (index >= 0) return this.messages.splice(index, 1)[0]!;
      if (this.closed) throw new Error('socket closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no matching WebSocket message in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  onClose(listener: (code: number) => void): void {
    this.ws.once('close', (code: number) => listener(code));
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  /** Sends the authorization message; resolves with the server's answer (handshake or error). */
  async authorize(token: string): Promise<Record<string, unknown>> {
    this.ws.send(JSON.stringify({ authorization: token }));
    return this.next((m) => 'handshake' in m || ('message' in m && m.messageId === undefined) || 'error' in m);
  }

  /** Sends a method message and resolves with its answer (`{message, status}`), skipping Continue wait. */
  async call(
    method: 'load' | 'sql' | 'dry-run' | 'meta' | 'subscribe',
    params: Record<string, unknown>,
    timeoutMs = 60_000,
  ): Promise<{ status: number; message: Record<string, unknown> & { error?: string } }> {
    const messageId = this.nextId++;
    this.ws.send(JSON.stringify({ messageId, method, params }));
    for (;;) {
      const reply = await this.next((m) => (m.messageId === String(messageId) || m.messageId === messageId) && 'message' in m, timeoutMs);
      const message = reply.message as Record<string, unknown> & { error?: string };
      if (message?.error === CONTINUE_WAIT) continue;
      return { status: Number(reply.status ?? 200), message };
    }
  }

  /** The next answer to an earlier message id (a subscription's later pushes). */
  async nextFor(messageId: number, timeoutMs?: number): Promise<{ status: number; message: Record<string, unknown> & { error?: string } }> {
    const reply = await this.next((m) => (m.messageId === String(messageId) || m.messageId === messageId) && 'message' in m, timeoutMs);
    return { status: Number(reply.status ?? 200), message: reply.message as never };
  }

  get lastMessageId(): number {
    return this.nextId - 1;
  }

  close(): void {
    this.ws.close();
  }
}
