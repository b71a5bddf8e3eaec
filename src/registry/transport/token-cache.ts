/**
 * Bearer tokens per (registry, realm, service, scope). A token is reused until shortly before it
 * expires, so a burst of manifest and blob reads costs one token request, not one each.
 */

/** distribution's token spec: a token without `expires_in` is good for 60 seconds. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 60;
/** Retire tokens this long before their stated expiry, for clock skew and time spent in flight. */
export const TOKEN_EXPIRY_MARGIN_MS = 5_000;

export interface TokenKey {
  readonly registry: string;
  readonly realm: string;
  readonly service: string | undefined;
  readonly scope: string;
}

interface Entry {
  readonly token: string;
  readonly expiresAt: number;
}

/** When a token obtained at `obtainedAt` with `expiresInSeconds` stops being used. */
export function tokenExpiry(obtainedAt: number, expiresInSeconds: number | undefined): number {
  const lifetime = (expiresInSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS) * 1000;
  return obtainedAt + Math.max(0, lifetime - TOKEN_EXPIRY_MARGIN_MS);
}

export class TokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number) {}

  private static keyOf(key: TokenKey): string {
    return JSON.stringify([key.registry, key.realm, key.service ?? null, key.scope]);
  }

  get(key: TokenKey): string | undefined {
    const id = TokenCache.keyOf(key);
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    if (this.now() >= entry.expiresAt) {
      this.entries.delete(id);
      return undefined;
    }
    return entry.token;
  }

  set(key: TokenKey, token: string, expiresAt: number): void {
    if (expiresAt <= this.now()) return; // already too old to reuse
    this.entries.set(TokenCache.keyOf(key), { token, expiresAt });
  }

  delete(key: TokenKey): void {
    this.entries.delete(TokenCache.keyOf(key));
  }
}
