import type { Span } from '@opentelemetry/api';

/**
 * The span of the GraphQL operation each request context belongs to. Apollo plugins cannot make a
 * span active around execution, so resolver spans find their parent here, keyed by the context
 * object Apollo hands to both. Weak: an entry lives exactly as long as its request's context.
 */
export const operationSpans = new WeakMap<object, Span>();
