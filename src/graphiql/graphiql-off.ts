import type { ServerResponse } from 'node:http';

/**
 * What a browser gets at `/graphql` when the page is turned off: our words naming the setting, not
 * Apollo's CSRF-prevention text (which is what a browser's plain GET would otherwise meet, and which
 * reads like an attack was stopped). Static text, no script, nothing loaded: CSP `default-src 'none'`.
 */
export const GRAPHIQL_OFF_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>imprimatur · GraphiQL is turned off</title>
  </head>
  <body>
    <h1>GraphiQL is turned off on this service</h1>
    <p>Its operator set <code>IMPRIMATUR_GRAPHIQL=false</code>, which turns off this page and GraphQL
    introspection. The API itself answers as usual: send GraphQL queries with
    <code>POST /graphql</code> (<code>content-type: application/json</code>), or use the REST facade
    described at <code>/openapi.yaml</code>.</p>
  </body>
</html>
`;

/** 404: there is no page here, and the body says why. */
export function sendGraphiQLOff(res: ServerResponse): void {
  res.writeHead(404, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy':
      "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'cache-control': 'no-cache',
    'content-length': Buffer.byteLength(GRAPHIQL_OFF_HTML),
  });
  res.end(GRAPHIQL_OFF_HTML);
}
