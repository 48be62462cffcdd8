/**
 * The Cube version the project is pinned to, and whether Cube's native module loads here.
 *
 * The no-native adapter (server/cube/js-mode.ts, finalize-result.ts) and the patches
 * (server/cube/patches/) reach into Cube's internals as they are in exactly this version: any other
 * version of a package they touch, a driver included, fails at start.
 */
import { createRequire } from 'node:module';

/** The Cube version this adapter was written against and tested with. Any other version must fail loudly. */
export const SUPPORTED_CUBE_VERSION = '1.7.43';

const require = createRequire(import.meta.url);

/**
 * Versions of the Cube packages actually installed, read from their package.json files: every package
 * the adapter, server/cube/private-api.ts or a patch touches, the database drivers included (the DuckDB
 * patches replace driver methods; both drivers are built on base-driver and released by app.ts's close).
 */
export function installedCubeVersions(): Record<string, string> {
  const names = [
    '@cubejs-backend/server',
    '@cubejs-backend/server-core',
    '@cubejs-backend/api-gateway',
    '@cubejs-backend/schema-compiler',
    '@cubejs-backend/query-orchestrator',
    '@cubejs-backend/shared',
    '@cubejs-backend/native',
    '@cubejs-backend/base-driver',
    '@cubejs-backend/duckdb-driver',
    '@cubejs-backend/mysql-driver',
  ];
  return Object.fromEntries(names.map((name) => [name, (require(`${name}/package.json`) as { version: string }).version]));
}

/** Throws when an installed Cube package is not the version this adapter was written for. */
export function assertSupportedCubeVersion(): void {
  const wrong = Object.entries(installedCubeVersions()).filter(([, v]) => v !== SUPPORTED_CUBE_VERSION);
  if (wrong.length > 0) {
    throw new Error(
      `server/cube/ supports Cube ${SUPPORTED_CUBE_VERSION} only, found ${wrong
        .map(([n, v]) => `${n}@${v}`)
        .join(', ')}. Re-check the adapter against the new Cube source before changing the pin.`,
    );
  }
}

/** True when Cube's native module can actually be loaded on this machine. */
export function nativeModuleAvailable(): boolean {
  try {
    // loadNative() throws when no index.node binary was installed.
    (require('@cubejs-backend/native') as { loadNative(): unknown }).loadNative();
    return true;
  } catch {
    return false;
  }
}
