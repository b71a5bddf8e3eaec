import { describe, expect, it } from 'vitest';
import { TOKEN_EXPIRY_MARGIN_MS, TokenCache, tokenExpiry } from './token-cache.js';
import { parseTokenResponse } from './token-response.js';

const key = {
  registry: 'r.example',
  realm: 'https://auth.example/token',
  service: 'r',
  scope: 'repository:a:pull',
};

describe('tokenExpiry', () => {
  it('uses expires_in minus a safety margin, defaulting to 60 s', () => {
    expect(tokenExpiry(1000, 300)).toBe(1000 + 300_000 - TOKEN_EXPIRY_MARGIN_MS);
    expect(tokenExpiry(1000, undefined)).toBe(1000 + 60_000 - TOKEN_EXPIRY_MARGIN_MS);
  });

  it('never lands before the time the token was obtained', () => {
    expect(tokenExpiry(1000, 1)).toBe(1000);
  });
});

describe('TokenCache', () => {
  it('returns a token until its expiry, then forgets it', () => {
    let now = 0;
    const cache = new TokenCache(() => now);
    cache.set(key, 'tok', 10_000);
    now = 9_999;
    expect(cache.get(key)).toBe('tok');
    now = 10_000;
    expect(cache.get(key)).toBeUndefined();
  });

  it('keeps scopes, realms and registries apart', () => {
    const cache = new TokenCache(() => 0);
    cache.set(key, 'a', 10);
    expect(cache.get({ ...key, scope: 'repository:b:pull' })).toBeUndefined();
    expect(cache.get({ ...key, realm: 'https://evil.example/token' })).toBeUndefined();
    expect(cache.get({ ...key, registry: 'other.example' })).toBeUndefined();
    expect(cache.get({ ...key, service: undefined })).toBeUndefined();
  });

  it('does not store a token that is already expired, and deletes on request', () => {
    const cache = new TokenCache(() => 100);
    cache.set(key, 'old', 100);
    expect(cache.get(key)).toBeUndefined();
    cache.set(key, 'new', 200);
    cache.delete(key);
    expect(cache.get(key)).toBeUndefined();
  });
});

describe('parseTokenResponse', () => {
  const body = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

  it('reads `token`, or OAuth2 `access_token`, and expires_in', () => {
    expect(parseTokenResponse(body({ token: 'abc', expires_in: 300 }), 'h')).toEqual({
      token: 'abc',
      expiresInSeconds: 300,
    });
    expect(parseTokenResponse(body({ access_token: 'xyz' }), 'h')).toEqual({
      token: 'xyz',
      expiresInSeconds: undefined,
    });
  });

  it('ignores nonsense lifetimes and caps long ones at a day', () => {
    expect(parseTokenResponse(body({ token: 'a', expires_in: -5 }), 'h').expiresInSeconds).toBeUndefined();
    expect(parseTokenResponse(body({ token: 'a', expires_in: '300' }), 'h').expiresInSeconds).toBeUndefined();
    expect(parseTokenResponse(body({ token: 'a', expires_in: 1e12 }), 'h').expiresInSeconds).toBe(86_400);
  });

  it('refuses bodies without a usable token, without echoing the body', () => {
    const secret = 'leaky secret with spaces';
    for (const bad of [
      body({}),
      body({ token: secret }),
      body([1]),
      new TextEncoder().encode(`not json ${secret}`),
    ]) {
      let error: unknown;
      try {
        parseTokenResponse(bad, 'auth.example');
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'REGISTRY_PROTOCOL_ERROR' });
      expect((error as Error).message).not.toContain(secret);
    }
  });
});
