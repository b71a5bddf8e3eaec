import { apiUrl, type Endpoint } from '../endpoint.js';
import { errorFromResponse, RegistryError } from '../errors.js';
import type { ManifestFetchContext } from '../manifests.js';
import { resolveNextPage } from '../referrers/link-header.js';
import type { TagList } from '../types.js';
import { parseTagListPage } from './parse-tag-list.js';

/** Default for `limit`: a tag list is read to look for something, never to enumerate a repository. */
export const DEFAULT_TAGS_LIMIT = 100;
/** The largest `limit` accepted: repositories with millions of tags exist (nightly builds). */
export const MAX_TAGS_LIMIT = 10_000;
/**
 * A registry could answer with endless empty pages, or a `Link` back to the same page; after this
 * many pages we stop and say `truncated`.
 */
export const MAX_TAG_PAGES = 50;

/**
 * `GET /v2/<name>/tags/list?n=<k>`, following `Link: <...>; rel="next"` (distribution spec, "Listing
 * Tags"), until `limit` tags were collected. `n` asks for no more than we still want, but a registry
 * may ignore it and send everything: the surplus is cut and reported as `truncated`. Each page is
 * capped like a manifest.
 */
export async function listTagsFrom(
  ctx: ManifestFetchContext,
  endpoint: Endpoint,
  repository: string,
  limit: number,
  signal: AbortSignal | undefined,
): Promise<TagList> {
  if (!Number.isSafeInteger(limit) || limit < 0 || limit > MAX_TAGS_LIMIT) {
    throw new RegistryError('INVALID_REQUEST', `limit must be an integer between 0 and ${MAX_TAGS_LIMIT}`);
  }
  const tags: string[] = [];
  if (limit === 0) return { tags, truncated: false };
  const what = `tags of ${endpoint.registry}/${repository}`;
  let url: URL | undefined = apiUrl(endpoint, repository, 'tags/list');
  url.searchParams.set('n', String(limit));
  for (let page = 0; url !== undefined; page++) {
    if (page >= MAX_TAG_PAGES) return { tags, truncated: true };
    const res = await ctx.transport.get(
      endpoint,
      repository,
      {
        url,
        accept: 'application/json',
        maxBodyBytes: ctx.maxManifestBytes,
        tooLarge: (max) =>
          new RegistryError('MANIFEST_TOO_LARGE', `${what}: a page is larger than ${max} bytes`),
        what,
      },
      signal,
    );
    if (res.status !== 200) throw errorFromResponse(res.status, res.body, 'tags', what);
    const found = parseTagListPage(res.body, what);
    const room = limit - tags.length;
    tags.push(...found.slice(0, room));
    const next = resolveNextPage(res.headers.get('link'), url, endpoint, what);
    if (found.length > room) return { tags, truncated: true };
    if (tags.length >= limit) return { tags, truncated: next !== undefined };
    url = next;
  }
  return { tags, truncated: false };
}
