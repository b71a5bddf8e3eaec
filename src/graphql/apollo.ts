import type { Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { DEFAULT_QUERY_LIMITS, queryLimitsRule } from '../security/index.js';
import type { GraphQLContext } from './context.js';
import { createFormatError, type ErrorLogger } from './errors.js';
import { introspectionOffRule } from './introspection-rule.js';
import { createTelemetryPlugin, instrumentSchema } from '../telemetry/index.js';
import { createReusePlugin } from './response-cache/index.js';
import { createPolicyLimitsPlugin } from './verification/policy-limits-plugin.js';
import { buildImprimaturSchema } from './schema.js';

export interface ApolloOptions {
  readonly httpServer: Server;
  /** Allow introspection (with the GraphiQL page, from `IMPRIMATUR_GRAPHIQL`). */
  readonly introspection: boolean;
  readonly logger: ErrorLogger;
}

/**
 * `Cache-Control: no-store` on every GraphQL response, errors included: a verdict is about a moment
 * (tags move, signatures are added and revoked), so no HTTP cache or browser may keep one. Freshness
 * is the service's business (see src/cache and src/graphql/response-cache).
 */
function noStore<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
}

/** Builds the schema and a started Apollo server that executes requests handed to it by `server.ts`. */
export async function createApollo(options: ApolloOptions): Promise<ApolloServer<GraphQLContext>> {
  const apollo = new ApolloServer<GraphQLContext>({
    // Resolver spans (only when tracing is on; otherwise one flag check per field).
    schema: instrumentSchema(await buildImprimaturSchema()),
    // Apollo's own switch refuses introspection in its words; ours names the setting (see the rule).
    introspection: true,
    // Document-shape limits (tokens while parsing; depth, aliases, expanded fields while validating),
    // so the cost of a query is bounded before it runs. Reasons per limit: src/security/query-limits.ts.
    parseOptions: { maxTokens: DEFAULT_QUERY_LIMITS.maxTokens },
    validationRules: [
      queryLimitsRule(DEFAULT_QUERY_LIMITS),
      ...(options.introspection ? [] : [introspectionOffRule]),
    ],
    // Stack traces and causes can hold paths, hosts and library internals: never in responses.
    includeStacktraceInErrorResponses: false,
    formatError: createFormatError(options.logger),
    // Apollo's CSRF prevention stays on: GET and simple-content-type POSTs need a preflight-forcing
    // header (`apollo-require-preflight`, or a JSON content type), so a foreign web page cannot make
    // a visitor's browser send queries (and so registry requests) through this service.
    csrfPrevention: true,
    // main.ts owns SIGTERM/SIGINT and stops the server in order; Apollo must not race it.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: options.httpServer }),
      // The GraphiQL page is ours to serve (see the seam in server.ts), not Apollo's hosted sandbox.
      ApolloServerPluginLandingPageDisabled(),
      // Apollo's cache-control plugin wraps every field resolver to collect cache hints we never
      // set, and then only ever answered `no-store` (its wrapper and hook were ~1.3% of an executed
      // warm query's CPU in a profile). `noStore` keeps the header without the wrapping.
      ApolloServerPluginCacheControlDisabled(),
      noStore<GraphQLContext>(),
      // Operation spans and metrics, and `extensions.traceId` on every response.
      createTelemetryPlugin<GraphQLContext>(),
      // Tells the response cache which answers are clean query results (only those are replayed).
      createReusePlugin<GraphQLContext>(),
      // Policy size caps, before any field runs (and so before any registry request).
      createPolicyLimitsPlugin<GraphQLContext>(),
    ],
  });
  await apollo.start();
  return apollo;
}
