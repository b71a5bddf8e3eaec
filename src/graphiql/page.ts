/**
 * The HTML shell of the GraphiQL page and the headers that lock it down. The shell holds no inline
 * script or style: everything comes from the bundle under `/graphiql/`, which is what lets the
 * Content-Security-Policy say "this origin only".
 */

/** Path prefix of the bundle's files (the page at `/graphql` links them relatively). */
export const ASSET_PREFIX = '/graphiql/';

/** The example tabs, under {@link ASSET_PREFIX}: served by the handler, not the bundle (they vary per service). */
export const EXAMPLES_FILE = 'examples.json';

/**
 * Only this origin may supply scripts, styles, connections and images; nothing may frame the page.
 * `data:` is allowed for fonts and images alone because graphiql's prebuilt stylesheet embeds its
 * fonts and icons as data URLs inside our own CSS file — inert bytes, not code. Scripts never get
 * `unsafe-inline` or `unsafe-eval`.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers for the page; the policy is repeated by `X-Frame-Options` for browsers without CSP 2. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-cache',
};

/**
 * Asset URLs are relative (`graphiql/…` from `/graphql`), so the page keeps working behind a reverse
 * proxy that mounts the service under a path prefix.
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>imprimatur · GraphiQL</title>
    <!-- No favicon request: the browser would otherwise ask for /favicon.ico and log a 404. -->
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="graphiql/graphiql.css">
    <script type="module" src="graphiql/graphiql.js"></script>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <noscript>GraphiQL needs JavaScript. Without it, POST GraphQL queries to this URL.</noscript>
  </body>
</html>
`;
