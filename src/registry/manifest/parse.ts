import { RegistryError } from '../errors.js';
import {
  isGenericContentType,
  isIndexMediaType,
  isManifestMediaType,
  isOciMediaType,
  isSchema1MediaType,
  MediaType,
  normalizeMediaType,
  type ManifestMediaType,
} from '../media-types.js';
import type { Descriptor, Manifest } from '../types.js';
import {
  invalid,
  isJsonObject,
  optionalAnnotations,
  optionalString,
  parseDescriptor,
  parseDescriptorList,
  type JsonObject,
} from './descriptor.js';

function unsupported(message: string): RegistryError {
  return new RegistryError('UNSUPPORTED_MEDIA_TYPE', message);
}

/**
 * One decoder for every manifest: a call without `{ stream: true }` starts from a fresh state (also
 * after a call that threw), so sharing it is safe, and constructing one per manifest is not free.
 */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

function decodeJson(bytes: Uint8Array): JsonObject {
  let text: string;
  try {
    // fatal: invalid UTF-8 is refused rather than silently replaced, so what we parse is what was hashed.
    text = STRICT_UTF8.decode(bytes);
  } catch {
    throw invalid('manifest is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('manifest is not valid JSON');
  }
  if (!isJsonObject(parsed)) throw invalid('manifest must be a JSON object');
  return parsed;
}

/**
 * Decides which manifest this is. A specific Content-Type wins, and the body's `mediaType` (when
 * present) must agree with it: a disagreement means someone is confused or lying, and guessing would
 * let the same bytes be read two ways. A generic Content-Type defers to the body's `mediaType`; an OCI
 * body without one (allowed by image-spec) is told apart by shape: `manifests` vs `config`.
 */
function resolveMediaType(body: JsonObject, contentType: string | undefined): ManifestMediaType {
  const header = normalizeMediaType(contentType);
  const declared = optionalString(body, 'mediaType', 'manifest');
  const declaredNormal = normalizeMediaType(declared);
  if (isSchema1MediaType(header) || isSchema1MediaType(declaredNormal) || body.schemaVersion === 1) {
    throw unsupported(
      'Docker schema1 manifests are not supported (deprecated, and their content is not digest-addressed)',
    );
  }
  if (header !== undefined && !isGenericContentType(header)) {
    if (!isManifestMediaType(header))
      throw unsupported(`unsupported manifest media type "${header.slice(0, 100)}"`);
    if (declaredNormal !== undefined && declaredNormal !== header) {
      throw invalid(
        `manifest mediaType "${declaredNormal.slice(0, 100)}" disagrees with Content-Type "${header}"`,
      );
    }
    return header;
  }
  if (declaredNormal !== undefined) {
    if (!isManifestMediaType(declaredNormal)) {
      throw unsupported(`unsupported manifest media type "${declaredNormal.slice(0, 100)}"`);
    }
    return declaredNormal;
  }
  const hasManifests = body.manifests !== undefined;
  const hasConfig = body.config !== undefined;
  if (hasManifests && !hasConfig) return MediaType.OciIndex;
  if (hasConfig && !hasManifests) return MediaType.OciManifest;
  throw invalid(
    'cannot tell an index from a manifest: no mediaType and not exactly one of "manifests" / "config"',
  );
}

function optionalSubject(body: JsonObject): Descriptor | undefined {
  return body.subject === undefined || body.subject === null
    ? undefined
    : parseDescriptor(body.subject, 'subject');
}

/**
 * Parses untrusted manifest bytes (Docker v2 manifest list / manifest, OCI index / manifest) into a
 * validated {@link Manifest}. Throws `RegistryError` with `UNSUPPORTED_MEDIA_TYPE` for schema1 and
 * unknown types, `INVALID_MANIFEST` for anything malformed.
 */
export function parseManifest(bytes: Uint8Array, contentType: string | undefined): Manifest {
  const body = decodeJson(bytes);
  const mediaType = resolveMediaType(body, contentType);
  if (body.schemaVersion !== 2) throw invalid('manifest schemaVersion must be 2');
  // Docker v2 types have no annotations/subject/artifactType fields; reading them anyway is harmless and
  // keeps one code path for both families.
  const annotations = optionalAnnotations(body, 'manifest');
  const subject = isOciMediaType(mediaType) ? optionalSubject(body) : undefined;
  const artifactType = optionalString(body, 'artifactType', 'manifest');
  const extras = {
    ...(annotations === undefined ? {} : { annotations }),
    ...(subject === undefined ? {} : { subject }),
    ...(artifactType === undefined ? {} : { artifactType }),
  };
  if (isIndexMediaType(mediaType)) {
    if (body.config !== undefined) throw invalid('an index must not have a "config"');
    return {
      kind: 'index',
      mediaType,
      manifests: parseDescriptorList(body.manifests, 'manifests'),
      ...extras,
    };
  }
  if (body.manifests !== undefined) throw invalid('an image manifest must not have "manifests"');
  return {
    kind: 'image',
    mediaType,
    config: parseDescriptor(body.config, 'config'),
    // An array, possibly empty (some artifacts); missing or null is refused rather than read as [].
    layers: parseDescriptorList(body.layers, 'layers'),
    ...extras,
  };
}
