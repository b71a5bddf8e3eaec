import { performance } from 'node:perf_hooks';
import { context, SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import type { ExchangeObserver, ObservedExchange } from '../registry/index.js';
import { Attr } from './attributes.js';
import { metrics } from './metrics.js';
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

/**
 * The observer handed to the registry client: a CLIENT span per HTTP exchange (a child of whatever is
 * active, so of the resolver or verification that caused it), and the request count and upstream
 * latency by host and status. Request headers never reach it (the transport does not pass them), so
 * neither credentials nor tokens can end up in a span or a label.
 */
export function createRegistryObserver(): ExchangeObserver {
  return {
    exchangeStarted(exchange: ObservedExchange) {
      const started = performance.now();
      const host = metrics().registryHosts.value(hostLabel(exchange.url));
      // With tracing off the span would be a no-op: its attributes are not even worked out.
      const span = isTracingEnabled() ? startExchangeSpan(exchange) : undefined;
      return (outcome) => {
        metrics().registryDuration.observe({ host }, (performance.now() - started) / 1000);
        if ('status' in outcome) {
          metrics().registryRequests.inc({ host, status: String(outcome.status) });
          span?.setAttribute(Attr.HTTP_STATUS, outcome.status);
          // 401 is the normal first step of the auth handshake and 404 a normal "no signatures": only
          // server errors mark the span failed; the status attribute tells the rest.
          if (outcome.status >= 500) {
            span?.setAttribute(Attr.ERROR_TYPE, String(outcome.status));
            span?.setStatus({ code: SpanStatusCode.ERROR });
          }
        } else {
          metrics().registryRequests.inc({ host, status: errorType(outcome.error) });
          if (span !== undefined) recordFailure(span, outcome.error);
        }
        span?.end();
      };
    },
  };
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
