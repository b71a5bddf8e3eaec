import { createHash } from 'node:crypto';

/**
 * A deliberately small OCI distribution *push* client for test fixtures. It is independent of
 * `src/registry` on purpose: fixtures must not be produced by the code under test.
 */
export interface PushTarget {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** A complete `Authorization` header value (Basic or Bearer), when the registry needs one. */
  readonly authorization?: string;
}

export function sha256Digest(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function headers(target: PushTarget, extra: Record<string, string> = {}): Record<string, string> {
  return target.authorization === undefined ? extra : { ...extra, authorization: target.authorization };
}

async function expectStatus(res: Response, ok: number[], what: string): Promise<void> {
  if (!ok.includes(res.status)) {
    throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
  }
}

/** Monolithic blob upload (POST then PUT ?digest=). Returns the digest. */
export async function pushBlob(
  target: PushTarget,
  repository: string,
  bytes: Uint8Array | string,
): Promise<string> {
  const digest = sha256Digest(bytes);
  const head = await fetch(`${target.url}/v2/${repository}/blobs/${digest}`, {
    method: 'HEAD',
    headers: headers(target),
  });
  if (head.status === 200) return digest;
  const start = await fetch(`${target.url}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers: headers(target),
  });
  await expectStatus(start, [202], `start upload to ${repository}`);
  const location = start.headers.get('location');
  if (location === null) throw new Error('registry gave no upload location');
  const uploadUrl = new URL(location, target.url);
  uploadUrl.searchParams.set('digest', digest);
  const put = await fetch(uploadUrl, {
    method: 'PUT',
    headers: headers(target, { 'content-type': 'application/octet-stream' }),
    body: typeof bytes === 'string' ? Buffer.from(bytes) : bytes,
  });
  await expectStatus(put, [201], `finish upload of ${digest}`);
  return digest;
}

/** PUT a manifest under a tag or digest. Returns the digest of the exact bytes sent. */
export async function pushManifest(
  target: PushTarget,
  repository: string,
  reference: string,
  bytes: Uint8Array | string,
  mediaType: string,
): Promise<string> {
  const res = await fetch(`${target.url}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: headers(target, { 'content-type': mediaType }),
    body: typeof bytes === 'string' ? Buffer.from(bytes) : bytes,
  });
  await expectStatus(res, [201], `push manifest ${repository}:${reference}`);
  return sha256Digest(bytes);
}
