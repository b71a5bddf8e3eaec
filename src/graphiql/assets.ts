import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImprimaturError } from '../errors/index.js';

/**
 * Where `npm run build` puts the bundle. This file sits two levels below the package root both as
 * `src/graphiql/assets.ts` (tsx, tests) and as `dist/graphiql/assets.js` (production), so one
 * relative path finds `dist/graphiql-assets/` from either.
 */
export const DEFAULT_ASSETS_DIR = fileURLToPath(new URL('../../dist/graphiql-assets/', import.meta.url));

export class GraphiQLAssetsError extends ImprimaturError<'GRAPHIQL_NOT_BUILT'> {}

/** One file of the bundle, read once and held in memory (the whole bundle is ~2 MB). */
export interface StaticAsset {
  readonly body: Buffer;
  readonly contentType: string;
  /** Strong ETag from the content, so browsers revalidate cheaply after a rebuild. */
  readonly etag: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Reads every file of the built bundle. Only names found here are ever served: a request path is
 * looked up in this map, never joined onto a filesystem path, so `..` and friends cannot reach
 * anything else on disk.
 */
export async function loadAssets(dir: string): Promise<ReadonlyMap<string, StaticAsset>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    throw new GraphiQLAssetsError(
      'GRAPHIQL_NOT_BUILT',
      `GraphiQL bundle not found in ${dir}: run "npm run build" (it bundles the page at build time)`,
      { cause },
    );
  }
  if (!names.includes('graphiql.js') || !names.includes('graphiql.css')) {
    throw new GraphiQLAssetsError(
      'GRAPHIQL_NOT_BUILT',
      `GraphiQL bundle in ${dir} is incomplete: run "npm run build"`,
    );
  }
  const assets = new Map<string, StaticAsset>();
  for (const name of names) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType === undefined) continue;
    const body = await readFile(join(dir, name));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    assets.set(name, { body, contentType, etag });
  }
  return assets;
}
