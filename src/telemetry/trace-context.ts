import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { isSpanContextValid, trace, TraceFlags, type SpanContext } from '@opentelemetry/api';

/**
 * The trace identity of the request being served, available to logs and to the GraphQL response
 * whether or not tracing is on.
 *
 * With tracing on, the SDK's context manager carries the active span and its ids are used. With
 * tracing off no context manager is registered (that is what keeps the off state near free), so the
 * request's ids travel in this one AsyncLocalStorage instead: every request still gets a W3C trace id
 * (the caller's, when it sent a valid `traceparent`), so a response, its log lines and the caller's
 * own trace can be matched up even though nothing is exported.
 */
export interface TraceIds {
  readonly traceId: string;
  readonly spanId: string;
  readonly sampled: boolean;
}

const requestTrace = new AsyncLocalStorage<TraceIds>();

/** Runs `work` with `ids` as the request's trace identity. */
export function runWithTraceIds<T>(ids: TraceIds, work: () => T): T {
  return requestTrace.run(ids, work);
}

/** The active span's ids when tracing is on, else the request's generated ids, else undefined. */
export function currentTraceIds(): TraceIds | undefined {
  const active = trace.getActiveSpan()?.spanContext();
  if (active !== undefined && isSpanContextValid(active)) return fromSpanContext(active);
  return requestTrace.getStore();
}

export function fromSpanContext(context: SpanContext): TraceIds {
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    sampled: (context.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED,
  };
}

/** Fresh random ids (16 and 8 bytes, as W3C Trace Context requires; all-zero is invalid, so retried). */
export function randomTraceIds(traceId?: string): TraceIds {
  let spanId = randomBytes(8).toString('hex');
  while (/^0+$/.test(spanId)) spanId = randomBytes(8).toString('hex');
  let fresh = traceId ?? randomBytes(16).toString('hex');
  while (/^0+$/.test(fresh)) fresh = randomBytes(16).toString('hex');
  return { traceId: fresh, spanId, sampled: false };
}

/** `00-<trace-id>-<span-id>-<flags>`, the W3C Trace Context header value. */
export function formatTraceparent(ids: TraceIds): string {
  return `00-${ids.traceId}-${ids.spanId}-${ids.sampled ? '01' : '00'}`;
}
