import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/index.js';

describe('the cache section of the configuration', () => {
  it('defaults to the bounded memory cache with short TTLs for what can change', () => {
    expect(loadConfig({}).cache).toEqual({
      url: undefined,
      memoryTier: false,
      memoryMaxEntries: 10_000,
      memoryMaxBytes: 64 * 1024 * 1024,
      contentTtlSeconds: 86_400,
      tagTtlSeconds: 30,
      listingTtlSeconds: 30,
      verificationTtlSeconds: 30,
      failureTtlSeconds: 5,
      timeoutMs: 250,
      responsesMaxEntries: 1_000,
      responsesMaxBytes: 16 * 1024 * 1024,
      viewsMaxBytes: 64 * 1024 * 1024,
      leaseMs: 5_000,
      leasePollMs: 10,
    });
  });

  it('reads every variable', () => {
    const cache = loadConfig({
      IMPRIMATUR_CACHE_URL: 'redis://cache.internal:6379/2',
      IMPRIMATUR_CACHE_MEMORY_TIER: 'true',
      IMPRIMATUR_CACHE_MEMORY_MAX_ENTRIES: '500',
      IMPRIMATUR_CACHE_MEMORY_MAX_BYTES: '1048576',
      IMPRIMATUR_CACHE_CONTENT_TTL_SECONDS: '0',
      IMPRIMATUR_CACHE_TAG_TTL_SECONDS: '5',
      IMPRIMATUR_CACHE_LISTING_TTL_SECONDS: '10',
      IMPRIMATUR_CACHE_VERIFICATION_TTL_SECONDS: '15',
      IMPRIMATUR_CACHE_FAILURE_TTL_SECONDS: '0',
      IMPRIMATUR_CACHE_TIMEOUT_MS: '100',
      IMPRIMATUR_CACHE_RESPONSES_MAX_ENTRIES: '0',
      IMPRIMATUR_CACHE_RESPONSES_MAX_BYTES: '131072',
      IMPRIMATUR_CACHE_VIEWS_MAX_BYTES: '0',
      IMPRIMATUR_CACHE_LEASE_MS: '0',
      IMPRIMATUR_CACHE_LEASE_POLL_MS: '25',
    }).cache;
    expect(cache).toEqual({
      url: 'redis://cache.internal:6379/2',
      memoryTier: true,
      memoryMaxEntries: 500,
      memoryMaxBytes: 1_048_576,
      contentTtlSeconds: 0,
      tagTtlSeconds: 5,
      listingTtlSeconds: 10,
      verificationTtlSeconds: 15,
      failureTtlSeconds: 0,
      timeoutMs: 100,
      responsesMaxEntries: 0,
      responsesMaxBytes: 131_072,
      viewsMaxBytes: 0,
      leaseMs: 0,
      leasePollMs: 25,
    });
  });

  it('accepts rediss:// (TLS)', () => {
    expect(loadConfig({ IMPRIMATUR_CACHE_URL: 'rediss://cache.internal:6380' }).cache.url).toBe(
      'rediss://cache.internal:6380',
    );
  });

  it('refuses a URL that is not Redis', () => {
    expect(() => loadConfig({ IMPRIMATUR_CACHE_URL: 'http://cache.internal' })).toThrow(ConfigError);
  });

  it('refuses a malformed URL without repeating it, since it may hold a password', () => {
    let message = '';
    try {
      loadConfig({ IMPRIMATUR_CACHE_URL: 'redis://:s3cret@[bad' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('IMPRIMATUR_CACHE_URL');
    expect(message).not.toContain('s3cret');
  });

  it('refuses a memory budget too small to hold anything useful', () => {
    expect(() => loadConfig({ IMPRIMATUR_CACHE_MEMORY_MAX_BYTES: '100' })).toThrow(ConfigError);
  });
});
