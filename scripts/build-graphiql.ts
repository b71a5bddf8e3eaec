/**
 * Bundles the GraphiQL page (graphiql, React and what they need, from node_modules) into static files
 * the service serves itself: `dist/graphiql-assets/graphiql.js`, `graphiql.css` and the fonts/images
 * the stylesheet references. Runs as part of `npm run build`, so the Docker build stage produces the
 * bundle and the runtime image carries it in `dist/` — nothing is fetched at run time, and the
 * page's dependencies stay devDependencies (they are not needed in production `node_modules`).
 *
 * It also copies openapi/openapi.yaml to `dist/openapi.yaml` (the other static file the service serves).
 *
 *   tsx scripts/build-graphiql.ts [outDir]
 */
import { copyFile, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the service looks for the bundle by default (see src/graphiql/assets.ts). */
export const DEFAULT_GRAPHIQL_OUT_DIR = resolve(REPO_ROOT, 'dist', 'graphiql-assets');

const ENTRY = resolve(REPO_ROOT, 'src', 'graphiql', 'browser', 'main.ts');

/** Builds the bundle into `outDir` (emptied first, so stale files are never served). */
export async function buildGraphiQLAssets(outDir: string = DEFAULT_GRAPHIQL_OUT_DIR): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { graphiql: ENTRY },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    // No source maps: they would ship the sources of every dependency to every visitor.
    sourcemap: false,
    legalComments: 'linked',
    // React picks its production build from this; any other value would ship the development one.
    define: { 'process.env.NODE_ENV': '"production"' },
    // Fonts and images referenced from CSS become files beside the bundle (never data: URLs or
    // remote URLs), so the page's `self`-only Content-Security-Policy covers them.
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file', '.png': 'file' },
    assetNames: '[name]-[hash]',
    logLevel: 'warning',
    metafile: true,
  });
  refuseDuplicateCopies(Object.keys(result.metafile.inputs));
}

/** Packages that hold React context: two copies in one bundle break the page at run time. */
const SINGLETON_PACKAGES = ['react', 'react-dom', '@graphiql/react'];

/**
 * GraphiQL's plugins have shipped depending on a newer `@graphiql/react` than `graphiql` itself, so
 * npm nests a second copy; the page then dies with "Tried to use … without the necessary context".
 * package.json pins the plugins (`overrides`); this check turns a future drift into a build error
 * instead of a blank page.
 */
function refuseDuplicateCopies(inputs: readonly string[]): void {
  for (const name of SINGLETON_PACKAGES) {
    const marker = `node_modules/${name}/`;
    const roots = new Set(inputs.filter((p) => p.includes(marker)).map((p) => p.slice(0, p.indexOf(marker))));
    if (roots.size > 1) {
      throw new Error(
        `GraphiQL bundle would contain ${roots.size} copies of ${name} (${[...roots].join(', ')})`,
      );
    }
  }
}

const OPENAPI_SOURCE = resolve(REPO_ROOT, 'openapi', 'openapi.yaml');
/** Where `GET /openapi.yaml` finds the document in a `dist/`-only deployment (see src/rest/openapi-document.ts). */
export const OPENAPI_IN_DIST = resolve(REPO_ROOT, 'dist', 'openapi.yaml');

/**
 * Copies the OpenAPI document into `dist/`, so an image that ships only `dist/` and `node_modules/`
 * still serves it. A build context without `openapi/` (a Dockerfile that does not copy it) gets a
 * warning, not a failure: the API works without the document, and `GET /openapi.yaml` answers 404.
 */
export async function copyOpenApiDocument(): Promise<void> {
  try {
    await copyFile(OPENAPI_SOURCE, OPENAPI_IN_DIST);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    console.warn(
      `warning: ${OPENAPI_SOURCE} not found; GET /openapi.yaml will answer 404 (copy openapi/ into the build)`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const outDir = process.argv[2] === undefined ? DEFAULT_GRAPHIQL_OUT_DIR : resolve(process.argv[2]);
  Promise.all([
    buildGraphiQLAssets(outDir),
    process.argv[2] === undefined ? copyOpenApiDocument() : undefined,
  ]).then(
    () => console.log(`GraphiQL bundle written to ${outDir}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
