import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RegistryClient } from '../../../src/registry/index.js';
import {
  MT,
  placeManifestInStorage,
  pushBlob,
  pushManifest,
  sha256Digest,
  type PushTarget,
} from '../../support/registry/index.js';

/**
 * Builders for the *structurally* hostile layouts these tests need, which no honest signer writes
 * (signed content comes from `test/support/sigstore`). Independent of `src/discovery` on purpose.
 */

export interface LayerSpec {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

/** A `sha256-<hex>.sig` manifest with exactly these layers (their blobs must already be pushed). */
export async function pushSignatureManifest(
  target: PushTarget,
  repository: string,
  imageDigest: string,
  layers: readonly LayerSpec[],
): Promise<string> {
  const config = json({ architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: [] } });
  await pushBlob(target, repository, config);
  const manifest = json({
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    config: { mediaType: MT.ociConfig, size: config.length, digest: sha256Digest(config) },
    layers,
  });
  return pushManifest(target, repository, `${imageDigest.replace(':', '-')}.sig`, manifest, MT.ociManifest);
}

/**
 * Writes the `sha256-<hex>` referrers fallback index straight into storage: the registry would refuse
 * an index naming manifests it does not hold, and a hostile index is exactly that.
 */
export async function placeFallbackIndex(
  storageRoot: string,
  repository: string,
  subjectDigest: string,
  manifests: readonly { readonly digest: string; readonly size: number; readonly artifactType?: string }[],
): Promise<string> {
  const index = json({
    schemaVersion: 2,
    mediaType: MT.ociIndex,
    manifests: manifests.map((m) => ({ mediaType: MT.ociManifest, ...m })),
  });
  return placeManifestInStorage(storageRoot, repository, index, subjectDigest.replace(':', '-'));
}

/**
 * Replaces a stored blob's bytes (same length) behind the registry's back, so it serves content that
 * no longer matches its digest: what a corrupt or malicious registry does.
 */
export async function corruptBlobInStorage(
  storageRoot: string,
  digest: string,
  bytes: Uint8Array,
): Promise<void> {
  const hex = digest.slice('sha256:'.length);
  await writeFile(
    join(storageRoot, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data'),
    bytes,
  );
}

/** The real client, with a count of the calls that went through it (to prove work was *not* done). */
export function countingClient(client: RegistryClient): {
  client: RegistryClient;
  calls: Record<string, number>;
} {
  const calls = { fetchManifest: 0, fetchBlob: 0, listReferrers: 0, listTags: 0 };
  return {
    calls,
    client: {
      fetchManifest: (...args) => {
        calls.fetchManifest++;
        return client.fetchManifest(...args);
      },
      fetchBlob: (...args) => {
        calls.fetchBlob++;
        return client.fetchBlob(...args);
      },
      listReferrers: (...args) => {
        calls.listReferrers++;
        return client.listReferrers(...args);
      },
      listTags: (...args) => {
        calls.listTags++;
        return client.listTags(...args);
      },
    },
  };
}
