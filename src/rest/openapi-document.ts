import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * `openapi/openapi.yaml` at the package root. This file sits two levels below the root both as
 * `src/rest/openapi-document.ts` and as `dist/rest/openapi-document.js`, so one relative path works
 * from either. The container image must carry `openapi/` beside `dist/` for `GET /openapi.yaml`.
 */
export const OPENAPI_PATH = fileURLToPath(new URL('../../openapi/openapi.yaml', import.meta.url));

/** Reads the document once, on first request; a missing file is reported as undefined (then 404). */
export function createOpenApiDocument(path: string = OPENAPI_PATH): () => Promise<Buffer | undefined> {
  let loading: Promise<Buffer | undefined> | undefined;
  return () => {
    loading ??= readFile(path).catch(() => {
      loading = undefined;
      return undefined;
    });
    return loading;
  };
}
