import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * `openapi/openapi.yaml` at the package root. This file sits two levels below the root both as
 * `src/rest/openapi-document.ts` and as `dist/rest/openapi-document.js`, so one relative path works
 * from either checkout layout.
 */
export const OPENAPI_PATH = fileURLToPath(new URL('../../openapi/openapi.yaml', import.meta.url));

/**
 * The copy `npm run build` puts beside the compiled code (`dist/openapi.yaml`), for images that ship
 * only `dist/`. Tried first when running from `dist/`: it is the document of that very build.
 */
const BUILT_COPY = fileURLToPath(new URL('../openapi.yaml', import.meta.url));

/** Reads the document once, on first request; none found is reported as undefined (then 404). */
export function createOpenApiDocument(
  paths: readonly string[] = [BUILT_COPY, OPENAPI_PATH],
): () => Promise<Buffer | undefined> {
  let loading: Promise<Buffer | undefined> | undefined;
  const firstReadable = async (): Promise<Buffer | undefined> => {
    for (const path of paths) {
      const document = await readFile(path).catch(() => undefined);
      if (document !== undefined) return document;
    }
    loading = undefined; // a later deployment of the file is picked up without a restart
    return undefined;
  };
  return () => (loading ??= firstReadable());
}
