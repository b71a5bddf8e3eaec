import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext } from '@apollo/server';
import { context, SpanStatusCode } from '@opentelemetry/api';
import { performance } from 'node:perf_hooks';
import { Attr } from './attributes.js';
import { metrics } from './metrics.js';
import { operationSpans } from './operation-spans.js';
import { currentTraceIds } from './trace-context.js';
import { tracer } from './tracer.js';
import { isTracingEnabled } from './tracing-state.js';
import { tallyOperationName } from './request-tally.js';

/** Operation names are the caller's: long ones are cut so a span name stays a name. */
const MAX_OPERATION_NAME = 100;

/** The key under which every GraphQL response carries the request's trace id. */
export const TRACE_ID_EXTENSION = 'traceId';

/** `query Name`, or the type alone for an anonymous operation. */
function operationSpanName(type: string, name: string | undefined): string {
  return name === undefined ? type : `${type} ${name}`;
}

function operationType<T extends BaseContext>(request: GraphQLRequestContext<T>): string {
  // Undefined until the document parsed and the operation was found; such requests are `unknown`.
  return request.operation?.operation ?? 'unknown';
}

/**
 * One span per GraphQL operation (`query Name`), a count and a duration per operation type and
 * outcome, and `extensions.traceId` on every response, errors included, so any answer can be looked
 * up in the tracing backend or matched to its log lines. Neither the document nor the variables are
 * recorded: variables can be large, and the document is the caller's business.
 */
export function createTelemetryPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart(start) {
      const began = performance.now();
      const span = tracer().startSpan('GraphQL Operation', {}, context.active());
      operationSpans.set(start.contextValue, span);
      return {
        async didResolveOperation(request) {
          const type = operationType(request);
          const name = request.operationName?.slice(0, MAX_OPERATION_NAME);
          span.setAttribute(Attr.GRAPHQL_OPERATION_TYPE, type);
          if (name !== undefined) span.setAttribute(Attr.GRAPHQL_OPERATION_NAME, name);
          tallyOperationName(name);
          span.updateName(operationSpanName(type, name));
        },
        async willSendResponse(request) {
          const type = operationType(request);
          const body = request.response.body;
          const result = body.kind === 'single' ? body.singleResult : body.initialResult;
          const failed = (request.errors?.length ?? 0) > 0;
          const ids = currentTraceIds();
          if (ids !== undefined)
            result.extensions = { ...result.extensions, [TRACE_ID_EXTENSION]: ids.traceId };

          metrics().graphqlOperations.inc({ type, outcome: failed ? 'error' : 'success' });
          metrics().graphqlDuration.observe({ type }, (performance.now() - began) / 1000);
          if (failed) {
            // Codes only, as the caller sees them after error mapping: messages can quote registry answers.
            const codes = [
              ...new Set((result.errors ?? []).map((e) => String(e.extensions?.code ?? 'UNKNOWN'))),
            ];
            span.setAttribute(Attr.ERROR_TYPE, codes.join(','));
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          span.end();
        },
      };
    },
  };
}

/** Outcome of one request at the GraphQL response cache, for `imprimatur_graphql_response_cache_total`. */
export type ResponseCacheOutcome = 'hit' | 'stored' | 'not_reusable';

export function recordResponseCache(outcome: ResponseCacheOutcome): void {
  metrics().responseCache.inc({ outcome });
}

/**
 * Counts and traces an operation answered by replaying a stored answer (src/graphql/response-cache)
 * as the plugin above does for an executed one, so dashboards see every answer; its span says
 * `imprimatur.graphql.replayed` and has no resolver children, because nothing was resolved.
 */
export function recordReplayedOperation(
  operation: { readonly type: string; readonly name: string | undefined },
  startedAt: number,
): void {
  const name = operation.name?.slice(0, MAX_OPERATION_NAME);
  metrics().graphqlOperations.inc({ type: operation.type, outcome: 'success' });
  metrics().graphqlDuration.observe({ type: operation.type }, (performance.now() - startedAt) / 1000);
  if (!isTracingEnabled()) return;
  const attributes: Record<string, string | boolean> = {
    [Attr.GRAPHQL_OPERATION_TYPE]: operation.type,
    [Attr.GRAPHQL_REPLAYED]: true,
  };
  if (name !== undefined) attributes[Attr.GRAPHQL_OPERATION_NAME] = name;
  tracer().startSpan(operationSpanName(operation.type, name), { attributes }, context.active()).end();
}
