import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  TRUST_VIEW_CSP,
  TRUST_VIEW_CSS,
  TRUST_VIEW_HTML,
  TRUST_VIEW_PATH,
  TRUST_VIEW_SCRIPT,
  TRUST_VIEW_STYLES,
} from './page.js';
import { TRUST_VIEW_JS } from './script.js';

interface StaticFile {
  readonly type: string;
  readonly body: Buffer;
}

const FILES: ReadonlyMap<string, StaticFile> = new Map([
  [TRUST_VIEW_PATH, { type: 'text/html; charset=utf-8', body: Buffer.from(TRUST_VIEW_HTML) }],
  [`/${TRUST_VIEW_SCRIPT}`, { type: 'text/javascript; charset=utf-8', body: Buffer.from(TRUST_VIEW_JS) }],
  [`/${TRUST_VIEW_STYLES}`, { type: 'text/css; charset=utf-8', body: Buffer.from(TRUST_VIEW_CSS) }],
]);

/** True for the page and its two files: the paths this handler answers. */
export function isTrustViewPath(path: string): boolean {
  return FILES.has(path);
}

/**
 * Serves the trust picture (`GET /trust?image=…&policy=…`) and its script and stylesheet. They are
 * static text and reach nothing, so, like the GraphiQL page, they need no caller token; the query the
 * page sends does (the page has a field for it).
 */
export function handleTrustView(req: IncomingMessage, res: ServerResponse, path: string): void {
  const file = FILES.get(path);
  if (file === undefined) throw new Error(`not a trust-view path: ${path}`);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    return void res.end('method not allowed');
  }
  res.writeHead(200, {
    'content-type': file.type,
    'content-length': file.body.length,
    'content-security-policy': TRUST_VIEW_CSP,
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : file.body);
}
