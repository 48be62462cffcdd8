/**
 * RS256 tokens verified with a portal's JWKS (SCU_JWKS_URL), against a JWKS this test serves itself on
 * loopback. The shared servers of the global setup run without a JWKS, so this file starts one more
 * real server with that setting, on a MariaDB database of its own (the look-alike clinics only: two
 * servers on one pre-aggregation schema would drop each other's rollup tables), and removes both at the end.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { RunningApp } from '../../../server/app.js';
import mysql from 'mysql2/promise';
import { hostSchemaStatements } from '../../../server/db/seed/index.js';
import { JwksKeys } from '../../../server/security/jwks.js';
import { SECURITY_CLINIC_IDS, loadSecurityDataset } from '../../support/security-dataset.js';
import { MYSQL, startTestServer } from '../../support/test-server.js';
import { V, load, nowSeconds, ownerToken, request, rowsOf } from './client.js';

interface Key {
  kid: string;
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

function rsaKey(kid: string): Key {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' } };
}

/** A JWKS endpoint on loopback whose key list the test can change (key rotation) or break. */
class JwksServer {
  keys: Key[] = [];
  failing = false;
  requests = 0;
  private readonly server = http.createServer((_req, res) => {
    this.requests += 1;
    if (this.failing) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys.map((k) => k.publicJwk) }));
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function rs256(key: Key, claims: Record<string, unknown>, kid: string | undefined = key.kid): string {
  return jwt.sign(claims, key.privateKey, {
    algorithm: 'RS256',
    ...('iat' in claims ? {} : { noTimestamp: true }),
    ...(kid ? { keyid: kid } : {}),
  });
}

const QUERY = { measures: [`${V}.units_billed`], dimensions: [`${V}.clinic_id`] };
const [CLINIC_A, CLINIC_B] = SECURITY_CLINIC_IDS;

async function withAdmin(run: (conn: mysql.Connection) => Promise<void>): Promise<void> {
  const conn = await mysql.createConnection(MYSQL);
  try {
    await run(conn);
  } finally {
    await conn.end();
  }
}

describe('RS256 tokens through a JWKS URL', () => {
  const jwks = new JwksServer();
  const portalKey = rsaKey('portal-2026');
  let app: RunningApp;
  let jwksUrl: string;
  const database = `${inject('mysqlDatabase')}_jwks`;

  beforeAll(async () => {
    await withAdmin(async (conn) => {
      await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await conn.query(`DROP DATABASE IF EXISTS \`${database}_pre_aggregations\``);
      await conn.query(`DROP DATABASE IF EXISTS \`${database}_pre_aggregations_changes\``);
      await conn.query(`CREATE DATABASE \`${database}\``);
      await conn.changeUser({ database });
      for (const statement of hostSchemaStatements('mysql')) await conn.query(statement);
    });
    await loadSecurityDataset('mysql', database);
    jwks.keys = [portalKey];
    jwksUrl = await jwks.start();
    app = await startTestServer({ type: 'mysql', database }, { SCU_JWKS_URL: jwksUrl });
  });

  afterAll(async () => {
    await app?.close();
    await jwks.close();
    await withAdmin(async (conn) => {
      await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await conn.query(`DROP DATABASE IF EXISTS \`${database}_pre_aggregations\``);
      await conn.query(`DROP DATABASE IF EXISTS \`${database}_pre_aggregations_changes\``);
    });
  });

  const claims = (clinicId: number = CLINIC_A) => ({ clinic_id: clinicId, role: 'owner', iat: nowSeconds(), exp: nowSeconds() + 600 });

  it("accepts a token signed with the portal's private key and scopes it to its clinic", async () => {
    const reply = await load(app.url, rs256(portalKey, claims(CLINIC_A)), QUERY);
    expect(reply.status).toBe(200);
    expect(rowsOf(reply).map((r) => r[`${V}.clinic_id`])).toEqual([CLINIC_A]);
  });

  it('accepts a token without kid while the JWKS holds a single key', async () => {
    const reply = await load(app.url, rs256(portalKey, claims(CLINIC_B), undefined), QUERY);
    expect(rowsOf(reply).map((r) => r[`${V}.clinic_id`])).toEqual([CLINIC_B]);
  });

  it('still accepts HS256 tokens signed with CUBEJS_API_SECRET', async () => {
    const reply = await load(app.url, ownerToken(inject('apiSecret'), CLINIC_B), QUERY);
    expect(rowsOf(reply).map((r) => r[`${V}.clinic_id`])).toEqual([CLINIC_B]);
  });

  it.each([
    ["signed by another key under the portal's kid", () => rs256(rsaKey('portal-2026'), claims()), /invalid signature/],
    ['an unknown kid', () => rs256(rsaKey('stranger'), claims()), /no key with kid "stranger"/],
    ['expired', () => rs256(portalKey, { ...claims(), iat: nowSeconds() - 700, exp: nowSeconds() - 100 }), /Token expired/],
    ['without exp', () => rs256(portalKey, { clinic_id: CLINIC_A, role: 'owner' }), /exp claim/],
    ['over the maximum lifetime', () => rs256(portalKey, { ...claims(), exp: nowSeconds() + 3 * 86_400 }), /lifetime exceeds/],
    ['provider without provider_id', () => rs256(portalKey, { ...claims(), role: 'provider' }), /provider_id/],
    // Algorithm confusion: the public key used as an HMAC secret must not verify.
    [
      'HS256 signed with the public key',
      () => jwt.sign(claims(), portalKey.publicJwk.n as string, { algorithm: 'HS256', noTimestamp: true }),
      /invalid signature/,
    ],
  ])('refuses %s with 403', async (_case, token, reason) => {
    const reply = await load(app.url, token(), QUERY);
    expect(reply.status).toBe(403);
    expect(reply.body.error).toMatch(reason);
    expect(reply.body.data).toBeUndefined();
  });

  it('logs a refusal with a token fingerprint and the claims it stated, never the token', async () => {
    const token = rs256(rsaKey('stranger'), claims(CLINIC_B));
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stderr.write);
    try {
      expect((await request(app.url, '/cubejs-api/v1/meta', { token })).status).toBe(403);
    } finally {
      spy.mockRestore();
    }
    const parsed = lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
    const logged = parsed.find((l) => String(l.message).includes('stranger'));
    expect(logged).toMatchObject({ level: 'error', unverifiedClaims: { clinic_id: CLINIC_B, role: 'owner' } });
    expect(logged!.tokenFingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(lines.join('')).not.toContain(token);
    expect(lines.join('')).not.toContain(token.split('.')[2]!);
  });
});

describe('JwksKeys', () => {
  it('fetches again for an unknown kid (key rotation), at most once per interval, and keeps the last keys when the endpoint fails', async () => {
    const server = new JwksServer();
    const oldKey = rsaKey('old');
    const newKey = rsaKey('new');
    server.keys = [oldKey];
    const url = await server.start();
    let now = 1000;
    const errors: string[] = [];
    const keys = new JwksKeys(url, { now: () => now, minRefetchSeconds: 30, cacheSeconds: 600, onError: (e) => errors.push(e) });
    try {
      expect((await keys.key('old')).export({ format: 'jwk' }).n).toBe(oldKey.publicJwk.n);
      server.keys = [oldKey, newKey];
      // Within the interval an unknown kid does not hit the endpoint again.
      now += 5;
      await expect(keys.key('new')).rejects.toThrow(/no key with kid "new"/);
      expect(server.requests).toBe(1);
      now += 30;
      expect((await keys.key('new')).export({ format: 'jwk' }).n).toBe(newKey.publicJwk.n);
      expect(server.requests).toBe(2);
      // Forged kids cannot make us hammer the portal.
      for (let i = 0; i < 20; i++) await expect(keys.key(`forged-${i}`)).rejects.toThrow();
      expect(server.requests).toBe(2);
      // A token without kid is only usable while the set holds a single key.
      await expect(keys.key(undefined)).rejects.toThrow(/no "kid" header and the JWKS .* holds 2 keys/);
      // Endpoint down after the cache expires: the keys fetched earlier keep working, and it is reported.
      server.failing = true;
      now += 700;
      expect((await keys.key('old')).export({ format: 'jwk' }).n).toBe(oldKey.publicJwk.n);
      expect(errors.join('\n')).toMatch(/HTTP 503/);
    } finally {
      await server.close();
    }
  });

  it('refuses with a clear reason when the JWKS cannot be fetched at all', async () => {
    const server = new JwksServer();
    server.failing = true;
    const url = await server.start();
    try {
      await expect(new JwksKeys(url).key('any')).rejects.toThrow(/could not be fetched: HTTP 503/);
    } finally {
      await server.close();
    }
  });
});
