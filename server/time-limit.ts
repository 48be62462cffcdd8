/**
 * The one way this server bounds a wait: `work`'s outcome, or `onTimeout`'s when `work` has not settled
 * within `ms`. Used by the readiness probe (health.ts, db/mysql-probe.ts), the per-query deadline and
 * its probe (cube/db-errors.ts) and shutdown (app.ts). The work itself is not cancelled (a promise
 * cannot be); the caller says what happens to it. The timer never outlives the race, so a bounded wait
 * that ended early does not keep the process alive.
 */
export async function withinMs<T, U = never>(work: Promise<T>, ms: number, onTimeout: () => U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<U>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (e) {
        reject(e as Error);
      }
    }, ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
