import { performance } from 'node:perf_hooks';
import { context, SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import type { ExchangeObserver, ObservedExchange } from '../registry/index.js';
import { Attr } from './attributes.js';
import { metrics } from './metrics.js';
import { tallyRegistryRequest } from './request-tally.js';
import { errorType, recordFailure, tracer } from './tracer.js';
import { isTracingEnabled } from './tracing-state.js';

/** What may be recorded about an upstream URL. */
export interface RegistryUrlSummary {
  readonly scheme: string;
  readonly host: string;
  readonly port: number;
  /**
   * `manifests`, `blobs`, `referrers`, `tags`, `ping` (the API root: this client no longer asks for
   * it, but a redirect could point there), or `other` (token services, storage redirects).
   */
  readonly operation: string;
  /** The repository for distribution API paths; undefined elsewhere. */
  readonly repository: string | undefined;
  /** `/v2/{repository}/manifests/{reference}` style, or undefined off the distribution API. */
  readonly template: string | undefined;
}

const API_PATH = /^\/v2\/(.+)\/(manifests|blobs|referrers|tags)\/[^/]*$/;

/**
 * Reduces `url` to what is safe to record. The query string is always dropped: on a token request it
 * names scopes, on a redirect to object storage it is a presigned signature that grants access. Paths
 * off the distribution API (token realms, storage) are not recorded either, since a signed path can
 * be a credential too. Userinfo (`user:pass@`) is never read.
 */
export function summarizeRegistryUrl(url: URL): RegistryUrlSummary {
  const base = { scheme: url.protocol.replace(/:$/, ''), host: url.hostname, port: portOf(url) };
  if (url.pathname === '/v2/' || url.pathname === '/v2') {
    return { ...base, operation: 'ping', repository: undefined, template: '/v2/' };
  }
  const match = API_PATH.exec(url.pathname);
  if (match === null) return { ...base, operation: 'other', repository: undefined, template: undefined };
  const operation = match[2] as string;
  const reference = operation === 'tags' ? 'list' : operation === 'manifests' ? '{reference}' : '{digest}';
  return {
    ...base,
    operation,
    repository: safeDecode(match[1] as string),
    template: `/v2/{repository}/${operation}/${reference}`,
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Where the observer reports failed exchanges; pino's `warn` fits. */
export interface RegistryObserverOptions {
  readonly logger?: {
    warn(fields: Record<string, unknown>, message: string): void;
    debug(fields: Record<string, unknown>, message: string): void;
  };
}

/**
 * The observer handed to the registry client: a CLIENT span per HTTP exchange (a child of whatever is
 * active, so of the resolver or verification that caused it), and the request count and upstream
 * latency by host and status. Request headers never reach it (the transport does not pass them), so
 * neither credentials nor tokens can end up in a span or a label.
 */
export function createRegistryObserver(options: RegistryObserverOptions = {}): ExchangeObserver {
  return {
    exchangeStarted(exchange: ObservedExchange) {
      const started = performance.now();
      const host = metrics().registryHosts.value(hostLabel(exchange.url));
      // With tracing off the span would be a no-op: its attributes are not even worked out.
      const span = isTracingEnabled() ? startExchangeSpan(exchange) : undefined;
      return (outcome) => {
        const ms = performance.now() - started;
        metrics().registryDuration.observe({ host }, ms / 1000);
        if ('status' in outcome) {
          metrics().registryRequests.inc({ host, status: String(outcome.status) });
          span?.setAttribute(Attr.HTTP_STATUS, outcome.status);
          // 401 is the normal first step of the auth handshake and 404 a normal "no signatures": only
          // server errors mark the span failed; the status attribute tells the rest.
          if (outcome.status >= 500) {
            span?.setAttribute(Attr.ERROR_TYPE, String(outcome.status));
            span?.setStatus({ code: SpanStatusCode.ERROR });
            options.logger?.warn(
              { ...exchangeFields(exchange), status: outcome.status, duration_ms: Math.round(ms) },
              'registry answered with a server error',
            );
          }
          tallyRegistryRequest(outcome.status >= 500);
          // Every exchange at debug: what an operator turns on to see which calls a request made.
          options.logger?.debug(
            { ...exchangeFields(exchange), status: outcome.status, duration_ms: Math.round(ms) },
            'registry exchange',
          );
        } else {
          const type = errorType(outcome.error);
          metrics().registryRequests.inc({ host, status: type });
          if (span !== undefined) recordFailure(span, outcome.error);
          // No HTTP answer at all: refused, reset, timed out, a TLS handshake that failed. The
          // message is the transport's (the logger's stream removes any secret value we hold).
          options.logger?.warn(
            {
              ...exchangeFields(exchange),
              error_type: type,
              error: outcome.error instanceof Error ? outcome.error.message : String(outcome.error),
              duration_ms: Math.round(ms),
            },
            'registry request failed',
          );
          tallyRegistryRequest(true);
        }
        span?.end();
      };
    },
    refused(by) {
      metrics().registryLimitRefusals.inc({ limit: by });
    },
  };
}

/** Where a failed exchange went, for its log line: host and operation, never headers or query strings. */
function exchangeFields(exchange: ObservedExchange): Record<string, string | number> {
  const url = summarizeRegistryUrl(exchange.url);
  const fields: Record<string, string | number> = {
    registry: hostLabel(exchange.url),
    method: exchange.method,
    operation: url.operation,
  };
  if (url.repository !== undefined) fields.repository = url.repository;
  if (exchange.attempt > 0) fields.attempt = exchange.attempt;
  return fields;
}

/** The port asked for, the scheme's default when the URL names none. */
function portOf(url: URL): number {
  return url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
}

/** The metrics label: the host, with its port unless it is 80 or 443. */
function hostLabel(url: URL): string {
  const port = portOf(url);
  return port === 443 || port === 80 ? url.hostname : `${url.hostname}:${port}`;
}

function startExchangeSpan(exchange: ObservedExchange): Span {
  const url = summarizeRegistryUrl(exchange.url);
  const attributes: Attributes = {
    [Attr.HTTP_METHOD]: exchange.method,
    [Attr.SERVER_ADDRESS]: url.host,
    [Attr.SERVER_PORT]: url.port,
    [Attr.URL_SCHEME]: url.scheme,
    [Attr.REGISTRY_OPERATION]: url.operation,
  };
  if (url.repository !== undefined) attributes[Attr.REGISTRY_REPOSITORY] = url.repository;
  if (url.template !== undefined) attributes[Attr.URL_TEMPLATE] = url.template;
  if (exchange.attempt > 0) attributes[Attr.HTTP_RESEND_COUNT] = exchange.attempt;
  const name = url.template === undefined ? exchange.method : `${exchange.method} ${url.template}`;
  return tracer().startSpan(name, { kind: SpanKind.CLIENT, attributes }, context.active());
}
