import { requireSha256Digest, verifyDigest } from './digest.js';
import { apiUrl, type Endpoint } from './endpoint.js';
import { errorFromResponse, RegistryError } from './errors.js';
import type { RegistryTransport } from './transport/registry-transport.js';

/**
 * GET a blob, refusing more than `maxBytes` while streaming and anything that does not hash to
 * `digest`. Blobs are often redirected to object storage; the transport follows without our token.
 */
export async function fetchBlobFrom(
  transport: RegistryTransport,
  endpoint: Endpoint,
  repository: string,
  digest: string,
  maxBytes: number,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const wanted = requireSha256Digest(digest);
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new RegistryError('INVALID_REQUEST', 'maxBytes must be a non-negative integer');
  }
  const what = `blob ${endpoint.registry}/${repository}@${wanted}`;
  const res = await transport.get(
    endpoint,
    repository,
    {
      url: apiUrl(endpoint, repository, `blobs/${wanted}`),
      accept: '*/*',
      maxBodyBytes: maxBytes,
      tooLarge: (limit) => new RegistryError('BLOB_TOO_LARGE', `${what} is larger than ${limit} bytes`),
      what,
    },
    signal,
  );
  if (res.status !== 200) throw errorFromResponse(res.status, res.body, 'blob', what);
  verifyDigest(res.body, wanted, what);
  return res.body;
}
