/**
 * The security settings of server/config.ts: defaults, accepted forms, and a ConfigError naming the
 * variable for anything else.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseDurationSeconds, readConfig } from '../../../server/config.js';

const BASE = { CUBEJS_API_SECRET: 's'.repeat(40) };

function configError(env: Record<string, string>): ConfigError {
  try {
    readConfig({ ...BASE, ...env });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('accepted');
}

describe('security configuration', () => {
  it('defaults: no portal origins, 24 h maximum token lifetime, HS256 only', () => {
    expect(readConfig(BASE).security).toEqual({
      allowedOrigins: [],
      maxTokenLifetimeSeconds: 86_400,
      jwksUrl: undefined,
      jwtAudience: undefined,
      jwtIssuer: undefined,
    });
  });

  it('reads origins, lifetime, JWKS URL, audience and issuer', () => {
    const { security } = readConfig({
      ...BASE,
      SCU_ALLOWED_ORIGINS: ' https://portal.example.com, http://localhost:5173 ,',
      SCU_MAX_TOKEN_LIFETIME: '90m',
      SCU_JWKS_URL: 'https://portal.example.com/.well-known/jwks.json',
      SCU_JWT_AUDIENCE: 'service-code-usage',
      SCU_JWT_ISSUER: 'https://portal.example.com',
    });
    expect(security).toEqual({
      allowedOrigins: ['https://portal.example.com', 'http://localhost:5173'],
      maxTokenLifetimeSeconds: 5400,
      jwksUrl: 'https://portal.example.com/.well-known/jwks.json',
      jwtAudience: 'service-code-usage',
      jwtIssuer: 'https://portal.example.com',
    });
  });

  it.each([
    ['SCU_ALLOWED_ORIGINS', '*'],
    ['SCU_ALLOWED_ORIGINS', 'https://portal.example.com/'],
    ['SCU_ALLOWED_ORIGINS', 'https://portal.example.com/embed'],
    ['SCU_ALLOWED_ORIGINS', 'portal.example.com'],
    ['SCU_ALLOWED_ORIGINS', 'ftp://portal.example.com'],
    ['SCU_ALLOWED_ORIGINS', 'https://ok.example.com,https://*.example.com'],
    ['SCU_MAX_TOKEN_LIFETIME', 'forever'],
    ['SCU_MAX_TOKEN_LIFETIME', '10s'],
    ['SCU_MAX_TOKEN_LIFETIME', '31d'],
    ['SCU_MAX_TOKEN_LIFETIME', '-1h'],
    ['SCU_JWKS_URL', 'not a url'],
    ['SCU_JWKS_URL', 'file:///etc/keys.json'],
  ])('%s=%s stops start-up with an error naming it', (variable, value) => {
    const error = configError({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
  });

  it('parses durations', () => {
    expect([
      parseDurationSeconds('3600'),
      parseDurationSeconds('90s'),
      parseDurationSeconds('15m'),
      parseDurationSeconds('1h'),
      parseDurationSeconds('7d'),
    ]).toEqual([3600, 90, 900, 3600, 604_800]);
    expect(parseDurationSeconds('1w')).toBeUndefined();
    expect(parseDurationSeconds('1.5h')).toBeUndefined();
  });
});
