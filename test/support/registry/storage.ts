import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Digest } from './push.js';

/**
 * Places a manifest straight into distribution's filesystem storage, bypassing the HTTP API.
 *
 * Why: real third-party manifests (e.g. the containers/image cosign fixtures) come without their config
 * and layer blobs, and the registry refuses a manifest PUT whose referenced blobs are missing. A GET of
 * a manifest does not look at those blobs, so writing the manifest blob and the repository links by
 * hand serves the exact original bytes under their real digest. Layout (distribution 2.x):
 *   docker/registry/v2/blobs/sha256/<hh>/<hex>/data
 *   docker/registry/v2/repositories/<name>/_manifests/revisions/sha256/<hex>/link
 *   docker/registry/v2/repositories/<name>/_manifests/tags/<tag>/{current,index/sha256/<hex>}/link
 */
export async function placeManifestInStorage(
  storageRoot: string,
  repository: string,
  manifest: Uint8Array | string,
  tag?: string,
): Promise<string> {
  const digest = sha256Digest(manifest);
  const hex = digest.slice('sha256:'.length);
  const v2 = join(storageRoot, 'docker', 'registry', 'v2');
  const blobDir = join(v2, 'blobs', 'sha256', hex.slice(0, 2), hex);
  await mkdir(blobDir, { recursive: true });
  await writeFile(join(blobDir, 'data'), manifest);
  const manifests = join(v2, 'repositories', repository, '_manifests');
  await writeLink(join(manifests, 'revisions', 'sha256', hex), digest);
  if (tag !== undefined) {
    await writeLink(join(manifests, 'tags', tag, 'current'), digest);
    await writeLink(join(manifests, 'tags', tag, 'index', 'sha256', hex), digest);
  }
  return digest;
}

async function writeLink(dir: string, digest: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'link'), digest);
}
