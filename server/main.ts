/**
 * Entry point: reads the configuration, prepares the embedded demo if that is the mode, starts the
 * server and closes it gracefully on SIGINT/SIGTERM. Nothing else lives here (see server/app.ts).
 */
import { createApp } from './app.js';
import { ConfigError, readConfig } from './config.js';
import { demoSecret, ensureDemoDatabase } from './db/demo.js';
import { mintToken } from './security/tokens.js';

const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const config = readConfig();
  const demo = config.database.type === 'duckdb' && config.database.demo;
  if (config.database.type === 'duckdb' && demo) {
    await ensureDemoDatabase(config.database.databasePath, config.demoScale, log);
  }
  const secret = config.apiSecret ?? demoSecret(config.dataDir);
  const app = await createApp(config, secret);
  const { info } = app;
  const started = Date.now();
  await app.refreshRollups();
  log(`Pre-aggregations up to date in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  log(
    `Service Code Usage listening on ${app.url} — Cube ${info.cubeVersion}, ${info.mode.toUpperCase()} mode ` +
      `(native module ${info.nativeModuleAvailable ? 'available' : 'absent'}), database ${info.dbType}` +
      `${demo ? ' (embedded demo)' : ''}`,
  );
  if (demo) {
    const token = mintToken(secret, { clinic_id: 1, role: 'owner' }, 8 * 3600);
    log(`Open the demo report (clinic 1, owner; the link is valid for 8 hours):\n  ${app.url}/#token=${token}`);
    log(`The explorer, for ad-hoc queries (the same token):\n  ${app.url}/explore#token=${token}`);
    log('Tokens for other demo clinics and roles: npm run token -- --clinic 2 --role billing --ttl 1h');
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log(`${signal}: closing`);
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof ConfigError ? e.message : ((e as Error).stack ?? String(e))}\n`);
  process.exit(1);
});
