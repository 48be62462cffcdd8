/**
 * The Cube version pin (server/cube/version.ts): every installed Cube package the adapter and the
 * patches touch is the version they were written for.
 */
import { describe, expect, it } from 'vitest';
import { SUPPORTED_CUBE_VERSION, assertSupportedCubeVersion, installedCubeVersions } from '../../../server/cube/version.js';

describe('Cube version pin', () => {
  it('every installed Cube package is the version the adapter was written for', () => {
    expect(SUPPORTED_CUBE_VERSION).toBe('1.7.43');
    for (const [name, version] of Object.entries(installedCubeVersions())) expect(version, name).toBe('1.7.43');
    expect(() => assertSupportedCubeVersion()).not.toThrow();
  });
});
