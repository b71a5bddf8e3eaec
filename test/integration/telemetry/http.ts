import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';

/** A GraphQL answer with what the telemetry tests look at: headers and the raw extensions. */
export interface RawGraphQLReply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: {
    readonly data?: unknown;
    readonly errors?: readonly { readonly message: string; readonly extensions?: Record<string, unknown> }[];
    readonly extensions?: Record<string, unknown>;
  };
}

/** POSTs a GraphQL request as a client would, keeping the response headers. */
export async function postGraphQL(
  serviceUrl: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<RawGraphQLReply> {
  const res = await fetch(`${serviceUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, ...(variables === undefined ? {} : { variables }) }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as RawGraphQLReply['body'] };
}

/**
 * The server span ends when the response has been flushed, which can be a moment after the client
 * has read it: wait (briefly) until the exporter holds the span `done` recognises.
 */
export async function waitForSpan(
  exporter: InMemorySpanExporter,
  done: (span: ReadableSpan) => boolean,
  timeoutMs = 5_000,
): Promise<ReadableSpan[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const spans = exporter.getFinishedSpans();
    if (spans.some(done)) return spans;
    if (Date.now() > deadline) throw new Error('the expected span was never exported');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}
