import { describe, expect, it } from 'vitest';
import { backoffDelayMs, decideRetry, isRetryableStatus, parseRetryAfter } from './retry-policy.js';

const settings = { maxRetries: 3, baseDelayMs: 200, maxDelayMs: 10_000 };

describe('isRetryableStatus', () => {
  it('retries 429 and 5xx except 501 and 505', () => {
    for (const s of [429, 500, 502, 503, 504, 599]) expect(isRetryableStatus(s)).toBe(true);
    for (const s of [200, 301, 400, 401, 403, 404, 405, 501, 505]) expect(isRetryableStatus(s)).toBe(false);
  });
});

describe('backoffDelayMs', () => {
  it('doubles per attempt, with half of each step random', () => {
    expect([0, 1, 2, 3].map((a) => backoffDelayMs(a, settings, () => 0))).toEqual([100, 200, 400, 800]);
    expect([0, 1, 2, 3].map((a) => backoffDelayMs(a, settings, () => 0.999999))).toEqual([
      200, 400, 800, 1600,
    ]);
  });

  it('never exceeds maxDelayMs, even for huge attempt numbers', () => {
    expect(backoffDelayMs(500, settings, () => 0.999999)).toBeLessThanOrEqual(10_000);
    expect(backoffDelayMs(500, settings, () => 0)).toBe(5_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date relative to now, and a past date as 0', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });

  it('ignores absent and unparseable values', () => {
    for (const v of [undefined, '', '-1', '1.5', 'soon', '2026-01-01', 'Thu, 01 Jan 2026 00:00:05']) {
      expect(parseRetryAfter(v, now)).toBeUndefined();
    }
  });
});

describe('decideRetry', () => {
  it('backs off while attempts remain and stops after maxRetries', () => {
    expect(decideRetry(0, undefined, settings, () => 0)).toEqual({ retry: true, delayMs: 100 });
    expect(decideRetry(2, undefined, settings, () => 0)).toEqual({ retry: true, delayMs: 400 });
    expect(decideRetry(3, undefined, settings, () => 0)).toEqual({ retry: false });
  });

  it('honours Retry-After exactly when within maxDelayMs', () => {
    expect(decideRetry(0, 3000, settings, () => 0)).toEqual({ retry: true, delayMs: 3000 });
  });

  it('gives up at once when Retry-After exceeds maxDelayMs', () => {
    expect(decideRetry(0, 10_001, settings, () => 0)).toEqual({ retry: false });
  });

  it('never retries when maxRetries is 0', () => {
    expect(decideRetry(0, 0, { ...settings, maxRetries: 0 }, () => 0)).toEqual({ retry: false });
  });
});
