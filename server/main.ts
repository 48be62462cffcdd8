/**
 * Entry point: reads the configuration, prepares the embedded demo if that is the mode, starts the
 * server in its role (SCU_ROLE) and shuts it down gracefully on SIGINT/SIGTERM. Nothing else lives here
 * (see server/app.ts).
 */
import { createApp, type RunningApp } from './app.js';
import { ConfigError, readConfig } from './config.js';
import { demoSecret, ensureDemoDatabase } from './db/demo.js';
import { mintToken } from './security/tokens.js';

const log = (line: string) => process.stdout.write(`${line}\n`);

/** How long in-flight requests and a refresh pass in progress get once the port is closing. */
const GRACE_MS = 10_000;

async function main(): Promise<void> {
  const config = readConfig();
  const demo = config.database.type === 'duckdb' && config.database.demo;
  if (config.database.type === 'duckdb' && demo) {
    await ensureDemoDatabase(config.database.databasePath, config.demoScale, log);
  }
  const secret = config.apiSecret ?? demoSecret(config.dataDir);
  // Until the server runs (a process of role `all` waits here for an unreachable database), a signal
  // has nothing in flight to finish: exit 0 at once, as a graceful shutdown does.
  const beforeStart = (signal: string) => {
    log(`${signal} before the server started: exiting`);
    process.exit(0);
  };
  process.on('SIGINT', beforeStart);
  process.on('SIGTERM', beforeStart);
  const app = await createApp(config, secret);
  process.off('SIGINT', beforeStart);
  process.off('SIGTERM', beforeStart);
  const shutdown = onShutdownSignals(app, config.shutdownDrainSeconds);
  const { info } = app;
  const what =
    config.role === 'refresh' ? 'refresh worker (health only)' : config.role === 'api' ? 'API instance (builds nothing)' : 'listening';
  log(
    `Service Code Usage ${what} on ${app.url} — role ${config.role}, Cube ${info.cubeVersion}, ${info.mode.toUpperCase()} mode ` +
      `(native module ${info.nativeModuleAvailable ? 'available' : 'absent'}), database ${info.dbType}` +
      `${demo ? ' (embedded demo)' : ''}`,
  );
  if (config.role !== 'api') {
    const started = Date.now();
    await app.refreshRollups();
    // A signal during the first pass stops the loop, and refreshRollups then returns whether or not every
    // partition was built: say nothing rather than "up to date" (the next worker builds what is missing).
    if (shutdown.closing()) return;
    log(`Pre-aggregations up to date in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  } else {
    await app.refreshRollups();
    log('Serving the pre-aggregations the refresh worker builds (SCU_ROLE=api).');
  }
  if (demo) {
    const token = mintToken(secret, { clinic_id: 1, role: 'owner' }, 8 * 3600);
    log(`Open the demo report (clinic 1, owner; the link is valid for 8 hours):\n  ${app.url}/#token=${token}`);
    log(`The explorer, for ad-hoc queries (the same token):\n  ${app.url}/explore#token=${token}`);
    log('Tokens for other demo clinics and roles: npm run token -- --clinic 2 --role billing --ttl 1h');
  }
}

/**
 * SIGTERM/SIGINT: readiness goes false at once; after the drain period (load balancers have seen it
 * and stopped sending) the port closes with requests in flight finishing; then pools are released and
 * the process exits 0. Whatever still runs at the deadline (a long build) is abandoned, also with 0:
 * abandoning is a designed outcome (app.ts close), not a failure. A second signal exits at once.
 */
function onShutdownSignals(app: RunningApp, drainSeconds: number): { closing(): boolean } {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) {
      log(`${signal} again: exiting now`);
      process.exit(0);
    }
    closing = true;
    app.health.beginShutdown();
    log(`${signal}: not ready from now on; closing in ${drainSeconds} s`);
    const deadline = setTimeout(
      () => {
        log('Shutdown deadline reached: abandoning what still runs');
        process.exit(0);
      },
      drainSeconds * 1000 + 2 * GRACE_MS + 5_000,
    );
    deadline.unref();
    await new Promise((resolve) => setTimeout(resolve, drainSeconds * 1000));
    await app.close({ graceMs: GRACE_MS });
    log('Closed cleanly');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  return { closing: () => closing };
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof ConfigError ? e.message : ((e as Error).stack ?? String(e))}\n`);
  process.exit(1);
});
