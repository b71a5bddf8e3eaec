import type { RefusedBy } from './registry-limits.js';

/**
 * An optional hook through which the transport reports every HTTP exchange it makes (token
 * requests, manifests, blobs, referrers, each redirect hop and each retry), so that tracing and
 * metrics can see upstream traffic without the registry client depending on them.
 *
 * What is handed over is deliberately narrow: the method, the URL and which attempt this is. Request
 * headers are never passed, because they carry the `Authorization` header (Basic credentials or a
 * bearer token). The URL itself holds no credentials we put there, but a redirect target may carry a
 * presigned query string, so observers must not record `url.search` (see `src/telemetry`).
 */
export interface ExchangeObserver {
  /** Called as an exchange starts; the returned callback is called exactly once when it ends. */
  exchangeStarted(exchange: ObservedExchange): (outcome: ExchangeOutcome) => void;
  /**
   * Called when a limit refused an exchange before it was sent: for the request budget, once per
   * incoming request that ran out of it (not once per field that then could not be answered).
   */
  refused?(by: RefusedBy): void;
}

export interface ObservedExchange {
  readonly method: 'GET';
  readonly url: URL;
  /** 0 for the first try, then 1, 2... for retries of the same request (redirect hops share it). */
  readonly attempt: number;
}

/** An HTTP status when the server answered (any status), otherwise the error that prevented it. */
export type ExchangeOutcome = { readonly status: number } | { readonly error: unknown };
