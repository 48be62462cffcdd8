/**
 * The token CLI (npm run token): mints a token the server accepts, with exactly the claims asked
 * for, and refuses requests for tokens the server would refuse.
 */
import { describe, expect, it } from 'vitest';
import { verifyToken } from '../../../server/security/auth.js';
import { runTokenCli } from '../../../server/security/token-cli.js';

const SECRET = 'cli-test-secret-cli-test-secret-0123456789';
const ENV = { CUBEJS_API_SECRET: SECRET };

describe('npm run token', () => {
  it('mints an owner token for a clinic with the asked lifetime, accepted by the server', async () => {
    const { token, summary } = runTokenCli(['--clinic', '101', '--role', 'owner', '--ttl', '1h'], ENV);
    const context = await verifyToken(token, { secret: SECRET, maxTokenLifetimeSeconds: 86_400 });
    expect(context).toMatchObject({ clinic_id: 101, role: 'owner' });
    expect(context.exp - Math.floor(Date.now() / 1000)).toBeGreaterThan(3590);
    expect(context.exp - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(3600);
    expect(summary).toMatch(/clinic 101, owner, expires/);
  });

  it('mints a provider token with its provider_id', async () => {
    const { token } = runTokenCli(['--clinic', '101', '--role', 'provider', '--provider', '7', '--ttl', '15m'], ENV);
    expect(await verifyToken(token, { secret: SECRET, maxTokenLifetimeSeconds: 3600 })).toMatchObject({
      clinic_id: 101,
      role: 'provider',
      provider_id: 7,
    });
  });

  it.each([
    [['--role', 'owner'], /--clinic <id> is required/],
    [['--clinic', 'abc', '--role', 'owner'], /--clinic must be a positive whole number/],
    [['--clinic', '1', '--role', 'admin'], /--role must be one of owner, billing, provider/],
    [['--clinic', '1', '--role', 'provider'], /--provider <id> is required with --role provider/],
    [['--clinic', '1', '--role', 'owner', '--provider', '3'], /--provider is only for --role provider/],
    [['--clinic', '1', '--role', 'owner', '--ttl', 'soon'], /--ttl must be a duration/],
    [['--clinic', '1', '--role', 'owner', '--ttl', '2d'], /longer than the server accepts \(SCU_MAX_TOKEN_LIFETIME, 86400 s\)/],
    [['--clinic', '1', '--role', 'owner', '--bogus'], /Unknown option '--bogus'/],
  ])('refuses %j', (args, reason) => {
    expect(() => runTokenCli(args, ENV)).toThrow(reason);
  });

  it('follows SCU_MAX_TOKEN_LIFETIME', () => {
    expect(() => runTokenCli(['--clinic', '1', '--role', 'owner', '--ttl', '2h'], { ...ENV, SCU_MAX_TOKEN_LIFETIME: '1h' })).toThrow(
      /3600 s/,
    );
  });
});
