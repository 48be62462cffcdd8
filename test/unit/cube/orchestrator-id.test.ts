/**
 * The orchestrator id keys Cube's module-level queue and cache: two apps in one process must never
 * share one, even when server/ is loaded twice (Vitest loads each project's global setup separately).
 */
import { describe, expect, it, vi } from 'vitest';

describe('nextOrchestratorId', () => {
  it('is unique in the process, across module instances', async () => {
    const first = await import('../../../server/cube/orchestrator-id.js');
    vi.resetModules();
    const second = await import('../../../server/cube/orchestrator-id.js');
    expect(second).not.toBe(first); // two instances of the module, as two Vitest projects load it
    const ids = [first.nextOrchestratorId('mysql'), second.nextOrchestratorId('mysql'), first.nextOrchestratorId('duckdb')];
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^SCU_(mysql|duckdb)_\d+$/);
  });
});
