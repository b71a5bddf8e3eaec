import { isDigest, requireSha256Digest, sha256Of } from './digest.js';
import { apiUrl, validateTag, type Endpoint } from './endpoint.js';
import { errorFromResponse, RegistryError } from './errors.js';
import { parseManifest } from './manifest/parse.js';
import { manifestAcceptHeader, type ManifestAcceptance } from './media-types.js';
import type { RegistryTransport } from './transport/registry-transport.js';
import type { FetchedManifest } from './types.js';

export interface ManifestFetchContext {
  readonly transport: RegistryTransport;
  readonly maxManifestBytes: number;
}

/**
 * GET a manifest and prove it is what we asked for. By digest: the bytes must hash to it. By tag:
 * there is nothing to check against except the registry's own `Docker-Content-Digest`, which we
 * compare when sent (a mismatch means the registry or something in between is confused or lying),
 * but the digest we report is always the one we computed.
 */
export async function fetchManifestFrom(
  ctx: ManifestFetchContext,
  endpoint: Endpoint,
  repository: string,
  reference: string,
  signal: AbortSignal | undefined,
  acceptance: ManifestAcceptance = 'any',
): Promise<FetchedManifest> {
  const byDigest = reference.includes(':');
  const ref = byDigest ? requireSha256Digest(reference) : validateTag(reference);
  const what = `manifest ${endpoint.registry}/${repository}${byDigest ? '@' : ':'}${ref}`;
  const res = await ctx.transport.get(
    endpoint,
    repository,
    {
      url: apiUrl(endpoint, repository, `manifests/${ref}`),
      accept: manifestAcceptHeader(acceptance),
      maxBodyBytes: ctx.maxManifestBytes,
      tooLarge: (limit) => new RegistryError('MANIFEST_TOO_LARGE', `${what} is larger than ${limit} bytes`),
      what,
    },
    signal,
  );
  if (res.status !== 200) throw errorFromResponse(res.status, res.body, 'manifest', what);

  const digest = sha256Of(res.body);
  if (byDigest && digest !== ref) {
    throw new RegistryError('DIGEST_MISMATCH', `${what}: content hashes to ${digest}`);
  }
  const announced = res.headers.get('docker-content-digest')?.trim();
  // Only a sha256 header can be compared; a registry announcing another algorithm is not wrong, just
  // unverifiable here, and our own sha256 is what we rely on anyway.
  if (
    announced !== undefined &&
    isDigest(announced) &&
    announced.startsWith('sha256:') &&
    announced !== digest
  ) {
    throw new RegistryError(
      'DIGEST_MISMATCH',
      `${what}: registry announced ${announced.slice(0, 80)} but content hashes to ${digest}`,
    );
  }
  const manifest = parseManifest(res.body, res.headers.get('content-type'));
  return { digest, mediaType: manifest.mediaType, size: res.body.length, bytes: res.body, manifest };
}
