import { digestToTag, requireSha256Digest } from '../digest.js';
import { apiUrl, type Endpoint } from '../endpoint.js';
import { errorFromResponse, RegistryError } from '../errors.js';
import { parseManifest } from '../manifest/parse.js';
import { fetchManifestFrom, type ManifestFetchContext } from '../manifests.js';
import { MediaType } from '../media-types.js';
import type { Descriptor, ReferrersList } from '../types.js';
import { resolveNextPage } from './link-header.js';
import type { ReferrersSupport } from './referrers-support.js';

export interface ReferrersQuery {
  readonly artifactType: string | undefined;
  readonly limit: number;
}

/** Default for `limit`: the same bound cosign applies since CVE-2023-46737. */
export const DEFAULT_REFERRERS_LIMIT = 1000;
/**
 * A registry could answer with endless empty pages; after this many we stop and say `truncated`.
 */
export const MAX_REFERRERS_PAGES = 50;

class NoReferrersApi {}

function collect(into: Descriptor[], found: readonly Descriptor[], query: ReferrersQuery): boolean {
  // Filtering is always applied here too: `OCI-Filters-Applied` is the registry's claim, and a
  // registry that says it filtered but did not must not slip other artifact types to the caller.
  for (const descriptor of found) {
    if (query.artifactType !== undefined && descriptor.artifactType !== query.artifactType) continue;
    if (into.length >= query.limit) return true;
    into.push(descriptor);
  }
  return false;
}

async function viaApi(
  ctx: ManifestFetchContext,
  endpoint: Endpoint,
  repository: string,
  digest: string,
  query: ReferrersQuery,
  signal: AbortSignal | undefined,
): Promise<ReferrersList | NoReferrersApi> {
  let url: URL | undefined = apiUrl(endpoint, repository, `referrers/${digest}`);
  if (query.artifactType !== undefined) url.searchParams.set('artifactType', query.artifactType);
  const descriptors: Descriptor[] = [];
  for (let page = 0; url !== undefined; page++) {
    if (page >= MAX_REFERRERS_PAGES) {
      return { descriptors, source: 'api', truncated: true, pageLimitReached: true };
    }
    const what = `referrers of ${endpoint.registry}/${repository}@${digest}`;
    const res = await ctx.transport.get(
      endpoint,
      repository,
      {
        url,
        accept: MediaType.OciIndex,
        maxBodyBytes: ctx.maxManifestBytes,
        tooLarge: (limit) =>
          new RegistryError('MANIFEST_TOO_LARGE', `${what}: a page is larger than ${limit} bytes`),
        what,
      },
      signal,
    );
    // 404 on the first page is how a registry without the API answers (distribution 2.x among them).
    if (res.status === 404 && page === 0) return new NoReferrersApi();
    if (res.status !== 200) throw errorFromResponse(res.status, res.body, 'referrers', what);
    const index = parseManifest(res.body, res.headers.get('content-type'));
    if (index.kind !== 'index')
      throw new RegistryError('REGISTRY_PROTOCOL_ERROR', `${what}: the answer is not an index`);
    if (collect(descriptors, index.manifests, query)) return { descriptors, source: 'api', truncated: true };
    url = resolveNextPage(res.headers.get('link'), url, endpoint, what);
  }
  return { descriptors, source: 'api', truncated: false };
}

/**
 * The referrers tag schema (OCI distribution 1.1 §"Referrers Tag Schema"): an index tagged
 * `sha256-<hex>` listing the referrers. No such tag means no referrers.
 */
async function viaTagSchema(
  ctx: ManifestFetchContext,
  endpoint: Endpoint,
  repository: string,
  digest: string,
  query: ReferrersQuery,
  signal: AbortSignal | undefined,
): Promise<ReferrersList> {
  let fetched;
  try {
    fetched = await fetchManifestFrom(ctx, endpoint, repository, digestToTag(digest), signal, 'index');
  } catch (error) {
    if (
      error instanceof RegistryError &&
      (error.code === 'MANIFEST_UNKNOWN' || error.code === 'NAME_UNKNOWN')
    ) {
      return { descriptors: [], source: 'tag-fallback', truncated: false };
    }
    throw error;
  }
  if (fetched.manifest.kind !== 'index') {
    throw new RegistryError(
      'REGISTRY_PROTOCOL_ERROR',
      `${endpoint.registry}/${repository}:${digestToTag(digest)} is not an index, so not a referrers list`,
    );
  }
  const descriptors: Descriptor[] = [];
  const truncated = collect(descriptors, fetched.manifest.manifests, query);
  return { descriptors, source: 'tag-fallback', truncated };
}

export interface ReferrersFetchContext extends ManifestFetchContext {
  /** Present: the tag-schema fallback may be fetched ahead (see {@link ReferrersSupport}). */
  readonly support: ReferrersSupport | undefined;
}

/**
 * The referrers of `digest`: from the API, or, where the registry answers the API with 404, from the
 * tag schema (OCI distribution 1.1: a client SHOULD use the API and fall back only then).
 */
export async function listReferrersFrom(
  ctx: ReferrersFetchContext,
  endpoint: Endpoint,
  repository: string,
  digest: string,
  query: ReferrersQuery,
  signal: AbortSignal | undefined,
): Promise<ReferrersList> {
  const subject = requireSha256Digest(digest);
  if (!Number.isSafeInteger(query.limit) || query.limit < 0) {
    throw new RegistryError('INVALID_REQUEST', 'limit must be a non-negative integer');
  }
  const ahead = ctx.support?.fetchFallbackAhead(endpoint.registry)
    ? viaTagSchema(ctx, endpoint, repository, subject, query, signal)
    : undefined;
  // Handled here so that a fallback nobody ends up reading (the API answered, or failed) is not an
  // unhandled rejection; awaiting `ahead` below still sees its own outcome.
  ahead?.catch(() => undefined);
  const answer = await viaApi(ctx, endpoint, repository, subject, query, signal);
  const hasApi = !(answer instanceof NoReferrersApi);
  ctx.support?.record(endpoint.registry, hasApi);
  // The fallback fetched ahead is read only now, after the 404, just as if it had been asked for now.
  if (hasApi) return answer;
  return ahead ?? viaTagSchema(ctx, endpoint, repository, subject, query, signal);
}
