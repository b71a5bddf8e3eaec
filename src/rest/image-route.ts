import type { ServerResponse } from 'node:http';
import type { ImageReference } from '../reference/index.js';
import { describeView } from '../services/index.js';
import { describeSignature } from '../services/signature-views.js';
import { sendJson } from './problem.js';
import type { RequestServices } from './services.js';
import { platformString, signatureJson } from './views.js';

/**
 * `GET /v1/images/{ref}`: what the reference names (an index with its platforms, or one manifest) and
 * the signatures stored for that digest — found, not verified (verification needs a policy: POST
 * /v1/verify). Costs one manifest GET, the signature look-ups, and for a single-platform image one
 * config blob GET to learn its platform.
 */
export async function handleImage(
  res: ServerResponse,
  services: RequestServices,
  input: string,
  method: string,
): Promise<void> {
  const ref: ImageReference = services.images.parseReference(input);
  const fetched = await services.images.manifestOf(ref);
  const list = await services.images.manifestListOf(ref);
  const single = list === null ? await services.images.singleManifestOf(ref) : null;
  const manifests = (list?.entries ?? []).map((entry) => {
    const described = describeView(entry);
    return {
      digest: described.digest,
      mediaType: described.mediaType,
      size: described.size,
      platform: platformString(entry.kind === 'index-entry' ? entry.descriptor.platform : undefined),
      isAttestation: entry.kind === 'index-entry' && entry.isAttestation,
    };
  });
  const platforms =
    list !== null
      ? manifests.filter((m) => !m.isAttestation && m.platform !== null).map((m) => m.platform as string)
      : single === null
        ? []
        : [platformString(await services.images.platformOf(single))].filter((p): p is string => p !== null);
  const found = await services.verification.signaturesOf(ref.repositoryRef, fetched.digest);
  const items = found.signatures.map((s) => signatureJson(describeSignature(s)));
  sendJson(
    res,
    200,
    {
      image: ref.toString(),
      registry: ref.registry,
      repository: ref.repository,
      tag: ref.tag ?? null,
      digest: fetched.digest,
      mediaType: fetched.mediaType,
      kind: list === null ? 'manifest' : 'index',
      manifests,
      platforms: [...new Set(platforms)],
      signatures: {
        count: items.length,
        simpleSigning: items.filter((s) => s.format === 'SIMPLE_SIGNING').length,
        sigstoreBundle: items.filter((s) => s.format === 'SIGSTORE_BUNDLE').length,
        problems: found.problems.map((p) => ({ code: p.code, message: p.message })),
        items,
      },
    },
    method,
  );
}
