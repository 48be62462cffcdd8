/**
 * Mints a token for the portal, a test or a demo link:
 *   npm run token -- --clinic 101 --role owner --ttl 1h
 *   npm run token -- --clinic 101 --role provider --provider 7 --ttl 15m
 * Signs HS256 with CUBEJS_API_SECRET (or the embedded demo's generated secret when none is set).
 * The token alone goes to stdout, so `TOKEN=$(npm run -s token -- ...)` works; a summary to stderr.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ROLES, type Role } from './auth.js';
import { ConfigError, parseDurationSeconds, readConfig } from '../config.js';
import { demoSecret } from '../db/demo.js';
import { mintToken } from './tokens.js';

const USAGE = `Usage: npm run token -- --clinic <id> --role <${ROLES.join('|')}> [--provider <id>] [--ttl <duration>]

  --clinic    the clinic the token may see (clinic_id claim)
  --role      owner and billing see the whole clinic; provider sees only the items they rendered
  --provider  the provider's id (provider_id claim); required with --role provider
  --ttl       lifetime: 90s, 15m, 1h (default), 7d; at most SCU_MAX_TOKEN_LIFETIME (default 24h)

Signs with CUBEJS_API_SECRET; without it, with the embedded demo's generated secret.`;

export function runTokenCli(argv: string[], env: NodeJS.ProcessEnv = process.env): { token: string; summary: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      clinic: { type: 'string' },
      role: { type: 'string' },
      provider: { type: 'string' },
      ttl: { type: 'string', default: '1h' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) throw new UsageError('');
  const id = (name: string, text: string | undefined): number => {
    if (text === undefined) throw new UsageError(`--${name} <id> is required${name === 'provider' ? ' with --role provider' : ''}`);
    if (!/^[1-9]\d{0,15}$/.test(text)) throw new UsageError(`--${name} must be a positive whole number, got "${text}"`);
    return Number(text);
  };
  const clinicId = id('clinic', values.clinic);
  const role = values.role as Role;
  if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  if (role !== 'provider' && values.provider !== undefined) throw new UsageError('--provider is only for --role provider');
  const providerId = role === 'provider' ? id('provider', values.provider) : undefined;
  const config = readConfig(env);
  const ttl = parseDurationSeconds(values.ttl ?? '1h');
  if (ttl === undefined || ttl <= 0) throw new UsageError(`--ttl must be a duration such as 90s, 15m, 1h or 7d, got "${values.ttl}"`);
  const max = config.security.maxTokenLifetimeSeconds;
  if (ttl > max) throw new UsageError(`--ttl ${values.ttl} is longer than the server accepts (SCU_MAX_TOKEN_LIFETIME, ${max} s)`);
  const secret = config.apiSecret ?? demoSecret(config.dataDir);
  const token = mintToken(secret, { clinic_id: clinicId, role, ...(providerId ? { provider_id: providerId } : {}) }, ttl);
  const expires = new Date((Math.floor(Date.now() / 1000) + ttl) * 1000).toISOString();
  const who = `clinic ${clinicId}, ${role}${providerId ? ` (provider ${providerId})` : ''}`;
  return { token, summary: `Token for ${who}, expires ${expires}${config.apiSecret ? '' : ' (signed with the demo secret)'}` };
}

class UsageError extends Error {}

// Run only as the npm script's entry, not when a test imports runTokenCli.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const { token, summary } = runTokenCli(process.argv.slice(2));
    process.stderr.write(`${summary}\n`);
    process.stdout.write(`${token}\n`);
  } catch (e) {
    const message = e instanceof UsageError || e instanceof ConfigError ? e.message : (e as Error).message;
    process.stderr.write(`${message ? `${message}\n\n` : ''}${USAGE}\n`);
    process.exit(e instanceof UsageError && !message ? 0 : 2);
  }
}
