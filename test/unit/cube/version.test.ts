/**
 * The Cube version pin (server/cube/version.ts): every installed Cube package the adapter and the
 * patches touch is the version they were written for.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../server/config.js';
import { SUPPORTED_CUBE_VERSION, assertSupportedCubeVersion, installedCubeVersions } from '../../../server/cube/version.js';

describe('Cube version pin', () => {
  it('every installed Cube package is the version the adapter was written for', () => {
    expect(SUPPORTED_CUBE_VERSION).toBe('1.7.43');
    for (const [name, version] of Object.entries(installedCubeVersions())) expect(version, name).toBe('1.7.43');
    expect(() => assertSupportedCubeVersion()).not.toThrow();
  });

  it('covers every Cube package the adapter and the patches touch, the database drivers included', () => {
    expect(Object.keys(installedCubeVersions()).sort()).toEqual([
      '@cubejs-backend/api-gateway',
      '@cubejs-backend/base-driver',
      '@cubejs-backend/duckdb-driver',
      '@cubejs-backend/mysql-driver',
      '@cubejs-backend/native',
      '@cubejs-backend/query-orchestrator',
      '@cubejs-backend/schema-compiler',
      '@cubejs-backend/server',
      '@cubejs-backend/server-core',
      '@cubejs-backend/shared',
    ]);
    // And whatever Cube package server/ imports or requires later (a new patch, a new driver) is checked too.
    const serverDir = path.join(PROJECT_ROOT, 'server');
    const required = new Set<string>();
    for (const file of fs.readdirSync(serverDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
      const source = fs.readFileSync(path.join(serverDir, file), 'utf8');
      for (const [, name] of source.matchAll(/(?:from |require\()'(@cubejs-backend\/[a-z-]+)/g)) required.add(name!);
    }
    expect(required.size).toBeGreaterThan(0);
    for (const name of required) expect(Object.keys(installedCubeVersions()), name).toContain(name);
  });
});
