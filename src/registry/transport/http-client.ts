import type { Dispatcher } from 'undici';
import type { OutboundPolicy } from '../../security/index.js';
import { isInsecureHost } from '../endpoint.js';
import { RegistryError } from '../errors.js';
import { sleep } from './abortable.js';
import type { ExchangeObserver } from './exchange-observer.js';
import { exchange, type ExchangeRequest, type HttpResponse } from './http-exchange.js';
import type { RegistryLimits } from './registry-limits.js';
import { decideRetry, isRetryableStatus, parseRetryAfter, type RetrySettings } from './retry-policy.js';

export interface HttpClientSettings {
  readonly dispatcher: Dispatcher | undefined;
  readonly timeoutMs: number;
  readonly retry: RetrySettings;
  readonly insecureRegistries: readonly string[];
  readonly random: () => number;
  readonly now: () => number;
  /** Told about every exchange (for traces and metrics); absent means nobody is listening. */
  readonly observer?: ExchangeObserver;
  /**
   * Where requests may go (allow-list, IP literals), checked before every hop: the registry, its
   * token realm and every redirect target. Absent means no name-level check.
   */
  readonly policy?: OutboundPolicy;
  /**
   * Admits every exchange: the request budget and the concurrency bounds (see {@link RegistryLimits}).
   * Absent means unbounded, which only tests of lower layers want.
   */
  readonly limits?: RegistryLimits;
}

/**
 * Registries send blob GETs to object storage with a redirect. A few hops are normal; more is a loop
 * or a registry bouncing us around.
 */
export const MAX_REDIRECTS = 5;

/**
 * GET with redirects and retries. Returns the final response whatever its status; callers turn
 * non-success statuses into errors because only they know what a 404 means for them.
 */
export class HttpClient {
  constructor(private readonly settings: HttpClientSettings) {}

  async get(req: ExchangeRequest, signal: AbortSignal | undefined): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      let response: HttpResponse;
      try {
        response = await this.followRedirects(req, signal, attempt);
      } catch (error) {
        // Network trouble is retried; timeouts are not: a registry that already kept us waiting the
        // full timeout would multiply the caller's wait by the retry count.
        const retryable = error instanceof RegistryError && error.code === 'REGISTRY_UNAVAILABLE';
        if (!retryable) throw error;
        const decision = decideRetry(attempt, undefined, this.settings.retry, this.settings.random);
        if (!decision.retry) throw error;
        await sleep(decision.delayMs, signal, req.what);
        continue;
      }
      if (!isRetryableStatus(response.status)) return response;
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'), this.settings.now());
      const decision = decideRetry(attempt, retryAfter, this.settings.retry, this.settings.random);
      if (!decision.retry) return response;
      await sleep(decision.delayMs, signal, req.what);
    }
  }

  private async followRedirects(
    req: ExchangeRequest,
    signal: AbortSignal | undefined,
    attempt: number,
  ): Promise<HttpResponse> {
    const origin = req.url.origin;
    let url = req.url;
    let headers = req.headers;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      // Every hop, not just the first: a redirect is the registry choosing where we go next.
      const refusal = this.settings.policy?.checkUrl(url);
      if (refusal !== undefined) {
        throw new RegistryError('REGISTRY_FORBIDDEN', `${refusal.message} (${req.what})`, { cause: refusal });
      }
      const response = await this.observedExchange({ ...req, url, headers }, signal, attempt);
      const location =
        response.status >= 300 && response.status < 400 ? response.headers.get('location') : undefined;
      if (location === undefined) return response;
      const next = this.redirectTarget(url, location, req.what);
      if (next.origin !== origin && 'authorization' in headers) {
        // Never hand our registry credentials or token to another host (typically a storage bucket with
        // its own signed URL): strip the header, keep the rest.
        const { authorization: _dropped, ...rest } = headers;
        headers = rest;
      }
      url = next;
    }
    throw new RegistryError(
      'REGISTRY_PROTOCOL_ERROR',
      `more than ${MAX_REDIRECTS} redirects for ${req.what}`,
    );
  }

  private async observedExchange(
    req: ExchangeRequest,
    signal: AbortSignal | undefined,
    attempt: number,
  ): Promise<HttpResponse> {
    // Every hop and every retry is an exchange of its own: admitted, charged and counted as one.
    const release = await this.settings.limits?.admit(req.url, signal, req.what);
    try {
      const context = { dispatcher: this.settings.dispatcher, timeoutMs: this.settings.timeoutMs, signal };
      const observer = this.settings.observer;
      if (observer === undefined) return await exchange(req, context);
      // Only the method, URL and attempt go out: the headers hold the credentials or token.
      const ended = observer.exchangeStarted({ method: 'GET', url: req.url, attempt });
      try {
        const response = await exchange(req, context);
        ended({ status: response.status });
        return response;
      } catch (error) {
        ended({ error });
        throw error;
      }
    } finally {
      release?.();
    }
  }

  private redirectTarget(from: URL, location: string, what: string): URL {
    let next: URL;
    try {
      next = new URL(location, from);
    } catch {
      throw new RegistryError('REGISTRY_PROTOCOL_ERROR', `unparseable redirect for ${what}`);
    }
    if (next.protocol === 'https:') return next;
    const sameInsecureHost = from.protocol === 'http:' && next.host === from.host;
    if (
      next.protocol === 'http:' &&
      (sameInsecureHost || isInsecureHost(next.host, this.settings.insecureRegistries))
    ) {
      return next;
    }
    // A downgrade from HTTPS to plain HTTP (or to another scheme) would undo the transport security.
    throw new RegistryError(
      'INSECURE_REGISTRY',
      `refusing a redirect to ${next.protocol}//${next.host} for ${what}`,
    );
  }
}
