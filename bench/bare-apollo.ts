import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { MAX_REQUEST_BODY_BYTES, parseBody } from '../src/graphql/http/read-body.js';
import { readRequestBody } from '../src/security/index.js';

/**
 * The throughput ceiling the service is compared with: the same `@apollo/server` (the one installed
 * for the service) behind the same kind of `node:http` handler as `src/server.ts` — body read with
 * the service's own size-capped reader, `executeHTTPGraphQLRequest`, the response written back —
 * answering a constant field. Whatever the service does beyond this (resolvers, cache look-ups,
 * serialising a verdict) is what the warm ratio prices.
 */
export interface BareApollo {
  readonly url: string;
  stop(): Promise<void>;
}

export const BARE_QUERY_BODY = JSON.stringify({ query: '{ ok }' });

export async function startBareApollo(): Promise<BareApollo> {
  const apollo = new ApolloServer({
    typeDefs: 'type Query { ok: String! }',
    resolvers: { Query: { ok: () => 'ok' } },
    // The service's settings that apply per request, so the baseline does the same work per request.
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    introspection: false,
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();
  const http: Server = createServer((req, res) => {
    void (async () => {
      const body = parseBody(
        await readRequestBody(req, { maxBytes: MAX_REQUEST_BODY_BYTES, timeoutMs: 30_000 }),
        req.headers['content-type'],
      );
      const headers = new HeaderMap();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const search = new URL(req.url ?? '/', 'http://localhost').search;
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search, body },
        context: async () => ({}),
      });
      res.statusCode = response.status ?? 200;
      res.setHeader('x-content-type-options', 'nosniff');
      for (const [name, value] of response.headers) res.setHeader(name, value);
      // A constant field never streams (no @defer), so the body is always complete.
      res.end(response.body.kind === 'complete' ? response.body.string : '');
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await apollo.stop();
    },
  };
}
