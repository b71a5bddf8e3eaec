import { SpanStatusCode, trace, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api';

/** Instrumentation scope of every span this service makes. */
export const INSTRUMENTATION_NAME = 'imprimatur';

/**
 * The API's proxy tracer: it forwards to the SDK provider once `startTracing` registered one, and is
 * the API's no-op tracer until then (or forever, when tracing is off). Spans are made by hand in the
 * layers that know what matters; no library is monkey-patched.
 */
export function tracer(): Tracer {
  return trace.getTracer(INSTRUMENTATION_NAME);
}

/**
 * Marks `span` failed by `error`. Only the error's class and code are recorded, never its message or
 * stack: messages built from upstream answers can quote anything a registry sent back.
 */
export function recordFailure(span: Span, error: unknown): string {
  const type = errorType(error);
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
  return type;
}

/** A bounded, secret-free name for an error: its string `code` when it has one, else its class name. */
export function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code)) return code;
    const name = error.constructor?.name;
    if (typeof name === 'string' && name !== '') return name;
  }
  return 'Error';
}

/**
 * Runs `work` inside a new active span (so spans it starts become children) and ends the span when
 * the promise settles, recording a failure when it rejects.
 */
export async function inSpan<T>(
  name: string,
  options: SpanOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(name, options, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}
