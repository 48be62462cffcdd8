/**
 * Public keys of a portal that signs its tokens with RS256 (SCU_JWKS_URL): fetched from its JWKS
 * endpoint, turned into `KeyObject`s with `node:crypto`, cached, and fetched again when a token names
 * a key id we have not seen (key rotation), at most once per `minRefetchSeconds`.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

interface JwksOptions {
  /** Give up on the endpoint after this long. */
  fetchTimeoutMs?: number;
  /** Keys are trusted this long before a fetch refreshes them. */
  cacheSeconds?: number;
  /** An unknown `kid` triggers at most one fetch per this many seconds (no amplification by forged kids). */
  minRefetchSeconds?: number;
  /** Reports a failed background fetch (the caller logs it). */
  onError?: (message: string) => void;
  now?: () => number;
}

class JwksError extends Error {
  override name = 'JwksError';
}

interface KeySet {
  keys: Map<string, KeyObject>;
  /** Keys without a `kid`: usable only when the set has exactly one key. */
  anonymous: KeyObject[];
  fetchedAt: number;
}

export class JwksKeys {
  private set: KeySet | undefined;
  private inflight: Promise<KeySet> | undefined;
  private lastAttempt = -Infinity;
  private readonly fetchTimeoutMs: number;
  private readonly cacheSeconds: number;
  private readonly minRefetchSeconds: number;
  private readonly now: () => number;

  constructor(
    readonly url: string,
    private readonly options: JwksOptions = {},
  ) {
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? 5000;
    this.cacheSeconds = options.cacheSeconds ?? 600;
    this.minRefetchSeconds = options.minRefetchSeconds ?? 30;
    this.now = options.now ?? (() => Date.now() / 1000);
  }

  /** The RS256 verification key for a token's `kid`; throws JwksError with a reason a developer can act on. */
  async key(kid: string | undefined): Promise<KeyObject> {
    let set = await this.current();
    let found = pick(set, kid);
    if (!found && this.now() - this.lastAttempt >= this.minRefetchSeconds) {
      set = await this.refresh();
      found = pick(set, kid);
    }
    if (found) return found;
    if (kid === undefined) {
      throw new JwksError(`the token has no "kid" header and the JWKS at ${this.url} holds ${set.keys.size + set.anonymous.length} keys`);
    }
    throw new JwksError(`no key with kid "${kid}" in the JWKS at ${this.url}`);
  }

  private async current(): Promise<KeySet> {
    if (this.set && this.now() - this.set.fetchedAt < this.cacheSeconds) return this.set;
    try {
      return await this.refresh();
    } catch (e) {
      // A stale key set is better than refusing every portal user while the endpoint is down.
      if (this.set) {
        this.options.onError?.(`JWKS refresh failed, using keys fetched earlier: ${(e as Error).message}`);
        return this.set;
      }
      throw e;
    }
  }

  private refresh(): Promise<KeySet> {
    this.inflight ??= this.fetchKeys().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetchKeys(): Promise<KeySet> {
    this.lastAttempt = this.now();
    let body: unknown;
    try {
      const response = await fetch(this.url, {
        signal: AbortSignal.timeout(this.fetchTimeoutMs),
        headers: { accept: 'application/json' },
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      body = await response.json();
    } catch (e) {
      throw new JwksError(`the JWKS at ${this.url} could not be fetched: ${(e as Error).message}`);
    }
    const jwks = (body as { keys?: unknown })?.keys;
    if (!Array.isArray(jwks)) throw new JwksError(`the JWKS at ${this.url} has no "keys" array`);
    const set: KeySet = { keys: new Map(), anonymous: [], fetchedAt: this.now() };
    for (const jwk of jwks as (JsonWebKey & { kid?: unknown; use?: unknown; alg?: unknown })[]) {
      // Only RSA signing keys meant for RS256 (or not restricted); anything else is ignored.
      if (jwk?.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
      if (jwk.alg !== undefined && jwk.alg !== 'RS256') continue;
      let key: KeyObject;
      try {
        key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e } as JsonWebKey, format: 'jwk' });
      } catch {
        this.options.onError?.(`JWKS key ${String(jwk.kid)} at ${this.url} is not a valid RSA public key; ignored`);
        continue;
      }
      if (typeof jwk.kid === 'string') set.keys.set(jwk.kid, key);
      else set.anonymous.push(key);
    }
    this.set = set;
    return set;
  }
}

function pick(set: KeySet, kid: string | undefined): KeyObject | undefined {
  if (kid !== undefined) return set.keys.get(kid);
  const all = [...set.keys.values(), ...set.anonymous];
  return all.length === 1 ? all[0] : undefined;
}
