import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { Attr } from './attributes.js';
import { metrics } from './metrics.js';
import {
  fromSpanContext,
  formatTraceparent,
  randomTraceIds,
  runWithTraceIds,
  type TraceIds,
} from './trace-context.js';
import { newRequestTally, runWithRequestTally } from './request-tally.js';
import { tracer } from './tracer.js';
import { isTracingEnabled } from './tracing-state.js';

/** Response header with the request's 32-hex-digit trace id, to look the request up in a tracing backend. */
export const TRACE_ID_HEADER = 'x-trace-id';
/**
 * Response header in the W3C Trace Context Level 2 `traceresponse` format (`00-trace-span-flags`).
 * Not `traceparent`: that header describes the parent of a *request*, and a proxy or client library
 * that forwards response headers could mistake it for one.
 */
export const TRACE_RESPONSE_HEADER = 'traceresponse';

/** Label for paths outside the known routes: the raw path is caller-chosen and would be unbounded. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Where the one line per request goes; pino's logger fits. */
export interface RequestLogger {
  info(fields: Record<string, unknown>, message: string): void;
  debug(fields: Record<string, unknown>, message: string): void;
}

/**
 * Probes and scrapes arrive every few seconds from machines, not people: their lines go at `debug`,
 * so `info` stays one line per request someone made.
 */
const QUIET_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

// Used directly rather than through the global propagator so incoming `traceparent` is honoured even
// when tracing is off (the global one is then a no-op).
const w3c = new W3CTraceContextPropagator();

/**
 * Serves one HTTP request inside its trace: continues the caller's W3C trace when `traceparent` is
 * valid, opens a SERVER span when tracing is on (or generates ids when it is off, see
 * `trace-context.ts`), sets the trace headers on the response before anything is written, and counts
 * the request with its duration once the response is finished.
 *
 * `route` must come from the server's fixed set of paths ({@link UNMATCHED_ROUTE} otherwise).
 */
export function observeHttpRequest(
  req: IncomingMessage,
  res: ServerResponse,
  route: string,
  handle: () => Promise<void>,
  logger?: RequestLogger,
): Promise<void> {
  const tally = newRequestTally();
  const method = KNOWN_METHODS.has(req.method ?? '') ? (req.method as string) : '_OTHER';
  const parent = w3c.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
  const started = performance.now();

  const span = isTracingEnabled()
    ? tracer().startSpan(
        `${method} ${route}`,
        { kind: SpanKind.SERVER, attributes: { [Attr.HTTP_METHOD]: method, [Attr.HTTP_ROUTE]: route } },
        parent,
      )
    : undefined;
  const ids: TraceIds =
    span === undefined
      ? randomTraceIds(trace.getSpanContext(parent)?.traceId)
      : fromSpanContext(span.spanContext());
  res.setHeader(TRACE_ID_HEADER, ids.traceId);
  res.setHeader(TRACE_RESPONSE_HEADER, formatTraceparent(ids));

  res.once('close', () => {
    // `close` also fires when the client went away first; the status is then what we had set so far.
    const status = String(res.statusCode);
    const seconds = (performance.now() - started) / 1000;
    metrics().httpRequests.inc({ route, method, status });
    metrics().httpDuration.observe({ route, method }, seconds);
    logger?.[QUIET_ROUTES.has(route) ? 'debug' : 'info'](
      {
        route,
        method,
        status: res.statusCode,
        duration_ms: Math.round(seconds * 10_000) / 10,
        ...(tally.operationName === undefined ? {} : { operation: tally.operationName }),
        registry_requests: tally.registryRequests,
        ...(tally.registryFailures > 0 ? { registry_failures: tally.registryFailures } : {}),
        cache_hits: tally.cacheHits,
        cache_misses: tally.cacheMisses,
        ...(res.writableFinished ? {} : { client_closed: true }),
        trace_id: ids.traceId,
      },
      'request',
    );
    if (span !== undefined) {
      span.setAttribute(Attr.HTTP_STATUS, res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      if (!res.writableFinished) span.setAttribute(Attr.ERROR_TYPE, 'client_closed');
      span.end();
    }
  });

  const active = span === undefined ? parent : trace.setSpan(parent, span);
  return runWithTraceIds(ids, () => runWithRequestTally(tally, () => context.with(active, handle)));
}
