/** server/time-limit.ts: the bounded wait every timeout of the server goes through. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withinMs } from '../../../server/time-limit.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('withinMs', () => {
  it("gives the work's value when it settles in time, and leaves no timer behind", async () => {
    const result = withinMs(Promise.resolve(7), 1000, () => 'late');
    await expect(result).resolves.toBe(7);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("gives the work's rejection when it fails in time", async () => {
    const result = withinMs(Promise.reject(new Error('refused')), 1000, () => 'late');
    await expect(result).rejects.toThrow('refused');
    expect(vi.getTimerCount()).toBe(0);
  });

  it("gives onTimeout's value when the work is still pending at the limit", async () => {
    const never = new Promise<number>(() => undefined);
    const result = withinMs(never, 1000, () => 'late');
    await vi.advanceTimersByTimeAsync(999);
    let settled = false;
    void result.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toBe('late');
  });

  it('rejects with what onTimeout throws', async () => {
    const never = new Promise<number>(() => undefined);
    const result = withinMs(never, 50, () => {
      throw new Error('no answer within 50 ms');
    });
    const assertion = expect(result).rejects.toThrow('no answer within 50 ms');
    await vi.advanceTimersByTimeAsync(50);
    await assertion;
  });
});
