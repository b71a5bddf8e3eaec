import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EXAMPLE_TABS, type ExampleTab } from './example-queries.js';
import { DEFAULT_ASSETS_DIR, GraphiQLAssetsError, loadAssets, type StaticAsset } from './assets.js';
import { ASSET_PREFIX, EXAMPLES_FILE, PAGE_HEADERS, PAGE_HTML } from './page.js';

export interface GraphiQLHandlerOptions {
  /** Directory of the built bundle; default `dist/graphiql-assets` of this package. */
  readonly assetsDir?: string;
  /** Told once when the bundle is missing, so an operator sees why the page answers 503. */
  readonly onMissingBundle?: (error: GraphiQLAssetsError) => void;
  /**
   * The tabs the page opens with; default the walkthrough's ({@link EXAMPLE_TABS}). `npm run demo`
   * passes tabs naming its own registry and policies, so every tab answers offline.
   */
  readonly exampleTabs?: readonly ExampleTab[];
}

/**
 * The example set as the page fetches it. `id` changes whenever the tabs do: the page keeps
 * GraphiQL's stored tabs under it, so a new set (another demo run, an upgrade) opens fresh instead of
 * showing tabs that name images which no longer exist.
 */
function examplesBody(tabs: readonly ExampleTab[]): string {
  const json = JSON.stringify(tabs);
  const id = createHash('sha256').update(json).digest('hex').slice(0, 16);
  return JSON.stringify({ id, tabs });
}

/**
 * Answers the page (`GET /graphql` from a browser; `server.ts` decides when) and its bundle files
 * under `/graphiql/`. The bundle is read on first use and kept in memory; a missing bundle is a build
 * problem, reported as 503 with the command that fixes it rather than a crash at start-up, so the
 * API itself keeps working.
 */
export function createGraphiQLHandler(options: GraphiQLHandlerOptions = {}) {
  const dir = options.assetsDir ?? DEFAULT_ASSETS_DIR;
  let loading: Promise<ReadonlyMap<string, StaticAsset>> | undefined;
  const assets = () => {
    loading ??= loadAssets(dir).catch((error: unknown) => {
      loading = undefined; // a later build fixes it without a restart
      if (error instanceof GraphiQLAssetsError) options.onMissingBundle?.(error);
      throw error;
    });
    return loading;
  };

  const examples = examplesBody(options.exampleTabs ?? EXAMPLE_TABS);

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    let files: ReadonlyMap<string, StaticAsset>;
    try {
      files = await assets();
    } catch (error) {
      if (!(error instanceof GraphiQLAssetsError)) throw error;
      return sendText(res, 503, error.message);
    }
    if (!path.startsWith(ASSET_PREFIX)) {
      res.writeHead(200, { ...PAGE_HEADERS, 'content-length': Buffer.byteLength(PAGE_HTML) });
      return void res.end(req.method === 'HEAD' ? undefined : PAGE_HTML);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendText(res, 405, 'method not allowed');
    }
    if (path === `${ASSET_PREFIX}${EXAMPLES_FILE}`) {
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(examples),
        'cache-control': 'no-cache',
      });
      return void res.end(req.method === 'HEAD' ? undefined : examples);
    }
    const asset = files.get(path.slice(ASSET_PREFIX.length));
    if (asset === undefined) return sendText(res, 404, 'not found');
    const headers = { etag: asset.etag, 'cache-control': 'no-cache' };
    if (req.headers['if-none-match'] === asset.etag) {
      res.writeHead(304, headers);
      return void res.end();
    }
    res.writeHead(200, {
      ...headers,
      'content-type': asset.contentType,
      'content-length': asset.body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  };
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
