/**
 * When to try a registry request again, and how long to wait: pure functions, so the timing rules
 * are tested without sleeping.
 */

export interface RetrySettings {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** First backoff step; doubled per attempt. */
  readonly baseDelayMs: number;
  /** Longest wait we accept, from backoff or from `Retry-After`. */
  readonly maxDelayMs: number;
}

/**
 * 429 and server-side failures are worth another try. 501 (not implemented) and 505 are permanent by
 * definition. Other 4xx are our mistake or a refusal and are never retried: repeating them only burns
 * rate limit.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so concurrent clients
 * spread out but every client still backs off. `random` returns [0, 1).
 */
export function backoffDelayMs(attempt: number, settings: RetrySettings, random: () => number): number {
  const step = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + (step / 2) * random());
}

/**
 * Parses `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns milliseconds from
 * `nowMs`, 0 for dates in the past, undefined when absent or unparseable (the caller then backs off).
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
  }
  // Only accept something that looks like an HTTP-date; Date.parse alone is lenient about junk.
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

export type RetryDecision = { readonly retry: true; readonly delayMs: number } | { readonly retry: false };

/**
 * Decides about attempt number `attempt` (0-based) that just failed. A `Retry-After` longer than
 * `maxDelayMs` means "give up now": waiting that long would hold the caller hostage, and retrying
 * sooner than asked is rude and usually just earns another 429.
 */
export function decideRetry(
  attempt: number,
  retryAfterMs: number | undefined,
  settings: RetrySettings,
  random: () => number,
): RetryDecision {
  if (attempt >= settings.maxRetries) return { retry: false };
  if (retryAfterMs !== undefined) {
    return retryAfterMs > settings.maxDelayMs ? { retry: false } : { retry: true, delayMs: retryAfterMs };
  }
  return { retry: true, delayMs: backoffDelayMs(attempt, settings, random) };
}
