/**
 * Every bad token (issue 4, "Tokens") against the real server: refused with 403, a message saying what
 * is wrong, and no data, on every REST data and meta endpoint and over the WebSocket; a good token's
 * socket stops getting data once the token expires.
 */
import { describe, expect, inject, it } from 'vitest';
import { CubeSocket, V, load, nowSeconds, ownerToken, rawToken, request, rowsOf } from './client.js';

const secret = () => inject('apiSecret');
const url = () => inject('mysqlUrl');
const QUERY = { measures: [`${V}.units_billed`], dimensions: [`${V}.clinic_id`] };

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

const in10min = () => nowSeconds() + 600;

/** [case, token (undefined: no header), the reason the message must give]. */
function badTokens(): [string, string | undefined, RegExp][] {
  const s = secret();
  return [
    ['missing', undefined, /Authorization header with a token is required/],
    ['not a JWT', 'not-a-jwt', /not a signed JWT/],
    [
      'forged (another secret)',
      rawToken('another-secret-another-secret-another-secret', { clinic_id: 1, role: 'owner', exp: in10min() }),
      /invalid signature/,
    ],
    [
      'tampered payload',
      (() => {
        const [h, , sig] = rawToken(s, { clinic_id: 1, role: 'owner', exp: in10min() }).split('.');
        return `${h}.${b64({ clinic_id: 2, role: 'owner', exp: in10min() })}.${sig}`;
      })(),
      /invalid signature/,
    ],
    ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ clinic_id: 1, role: 'owner', exp: in10min() })}.`, /alg "none"/],
    [
      'alg HS512',
      rawToken(s, { clinic_id: 1, role: 'owner', exp: in10min() }, { algorithm: 'HS512' }),
      /algorithm "HS512" is not accepted/,
    ],
    [
      'RS256 without a JWKS',
      `${b64({ alg: 'RS256', typ: 'JWT', kid: 'k' })}.${b64({ clinic_id: 1, role: 'owner', exp: in10min() })}.c2ln`,
      /RS256 tokens need SCU_JWKS_URL/,
    ],
    ['expired', rawToken(s, { clinic_id: 1, role: 'owner', exp: nowSeconds() - 5 }), /Token expired/],
    ['without exp', rawToken(s, { clinic_id: 1, role: 'owner' }), /exp claim .* is required/],
    [
      'lifetime above the maximum',
      rawToken(s, { clinic_id: 1, role: 'owner', iat: nowSeconds(), exp: nowSeconds() + 2 * 86_400 }),
      /lifetime exceeds the maximum/,
    ],
    ['iat in the future', rawToken(s, { clinic_id: 1, role: 'owner', iat: nowSeconds() + 3600, exp: nowSeconds() + 4000 }), /iat/],
    ['without clinic_id', rawToken(s, { role: 'owner', exp: in10min() }), /clinic_id .* is required/],
    ['clinic_id not an id', rawToken(s, { clinic_id: '1 OR 1=1', role: 'owner', exp: in10min() }), /clinic_id .* is required/],
    ['clinic_id zero', rawToken(s, { clinic_id: 0, role: 'owner', exp: in10min() }), /clinic_id/],
    ['without role', rawToken(s, { clinic_id: 1, exp: in10min() }), /role must be one of owner, billing, provider/],
    [
      'unknown role',
      rawToken(s, { clinic_id: 1, role: 'admin', exp: in10min() }),
      /role must be one of owner, billing, provider, got "admin"/,
    ],
    [
      'provider without provider_id',
      rawToken(s, { clinic_id: 1, role: 'provider', exp: in10min() }),
      /provider_id .* is required when role is provider/,
    ],
    ['provider_id not an id', rawToken(s, { clinic_id: 1, role: 'provider', provider_id: 'x', exp: in10min() }), /provider_id/],
  ];
}

const ENDPOINTS: [string, (token: string | undefined) => Promise<{ status: number; body: Record<string, unknown> }>][] = [
  ['GET /load', (token) => request(url(), `/cubejs-api/v1/load?query=${encodeURIComponent(JSON.stringify(QUERY))}`, { token })],
  ['POST /load', (token) => request(url(), '/cubejs-api/v1/load', { token, body: JSON.stringify({ query: QUERY }) })],
  ['POST /sql', (token) => request(url(), '/cubejs-api/v1/sql', { token, body: JSON.stringify({ query: QUERY }) })],
  ['GET /dry-run', (token) => request(url(), `/cubejs-api/v1/dry-run?query=${encodeURIComponent(JSON.stringify(QUERY))}`, { token })],
  ['GET /meta', (token) => request(url(), '/cubejs-api/v1/meta', { token })],
  ['GET /subscribe', (token) => request(url(), `/cubejs-api/v1/subscribe?query=${encodeURIComponent(JSON.stringify(QUERY))}`, { token })],
];

describe('bad tokens are refused with 403, a clear message and no data', () => {
  it.each(badTokens())('%s', async (_case, token, reason) => {
    for (const [endpoint, call] of ENDPOINTS) {
      const { status, body } = await call(token);
      expect({ endpoint, status }).toEqual({ endpoint, status: 403 });
      expect(body.error, endpoint).toMatch(reason);
      expect(Object.keys(body), endpoint).toEqual(['error']);
    }
    // The same token as a Bearer header gets the same answer.
    if (token !== undefined) {
      const bearer = await request(url(), '/cubejs-api/v1/meta', { token: `Bearer ${token}` });
      expect(bearer.status).toBe(403);
      expect(bearer.body.error).toMatch(reason);
    }
  });

  it.each(badTokens().filter(([, token]) => token !== undefined))('%s, over the WebSocket', async (_case, token, reason) => {
    const socket = await CubeSocket.open(url());
    try {
      const answer = await socket.authorize(token!);
      expect(answer.handshake).toBeUndefined();
      expect(answer.status).toBe(403);
      expect((answer.message as { error: string }).error).toMatch(reason);
      // Not authorized: a query on this socket gets no data.
      const reply = await socket.call('load', { query: QUERY });
      expect(reply.status).toBe(403);
      expect(reply.message.data).toBeUndefined();
    } finally {
      socket.close();
    }
  });
});

describe('good tokens', () => {
  it("an HS256 token with the claims docs/contract.md fixes gets its clinic's data, as header or Bearer", async () => {
    for (const token of [ownerToken(secret(), 1), `Bearer ${ownerToken(secret(), 1)}`]) {
      const reply = await load(url(), token, QUERY);
      expect(reply.status).toBe(200);
      expect(rowsOf(reply).map((r) => r[`${V}.clinic_id`])).toEqual([1]);
    }
  });

  it('a WebSocket that authorized stops getting data when its token expires, subscriptions included', async () => {
    const socket = await CubeSocket.open(url());
    try {
      const exp = nowSeconds() + 3;
      const handshake = await socket.authorize(rawToken(secret(), { clinic_id: 1, role: 'owner', exp }));
      expect(handshake.handshake).toBe(true);
      const first = await socket.call('subscribe', { query: QUERY, queryType: 'multi' });
      expect(first.status).toBe(200);
      const subscription = socket.lastMessageId;
      // Wait past exp: Cube re-runs subscriptions every 5 s with the context of the handshake.
      await new Promise((r) => setTimeout(r, Math.max(0, (exp + 1) * 1000 - Date.now())));
      const pushed = await socket.nextFor(subscription, 15_000);
      expect(pushed.status).toBe(403);
      expect(pushed.message.error).toMatch(/Token expired/);
      const later = await socket.call('load', { query: QUERY });
      expect(later.status).toBe(403);
      expect(later.message.error).toMatch(/Token expired/);
      expect(later.message.data).toBeUndefined();
    } finally {
      socket.close();
    }
  });
});
