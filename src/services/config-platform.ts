import type { Platform } from '../registry/types.js';

/** Config media types that describe a runnable image; artifact configs (signatures, SBOMs) do not. */
export const IMAGE_CONFIG_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.docker.container.image.v1+json',
  'application/vnd.oci.image.config.v1+json',
]);

/** Longest platform field we keep; real values are a few characters. */
const MAX_FIELD = 64;

function field(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && value.length <= MAX_FIELD ? value : undefined;
}

/**
 * Reads `os`, `architecture`, `variant`, `os.version` and `os.features` from an image config blob.
 * The blob comes from a registry and is untrusted: it is parsed defensively and anything unexpected
 * yields `undefined` (no platform) rather than an error, because a platform is descriptive only and
 * never a basis for a trust decision.
 */
export function platformFromConfig(bytes: Uint8Array): Platform | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const config = parsed as Record<string, unknown>;
  const os = field(config.os);
  const architecture = field(config.architecture);
  if (os === undefined || architecture === undefined) return undefined;
  const variant = field(config.variant);
  const osVersion = field(config['os.version']);
  const features = config['os.features'];
  const osFeatures = Array.isArray(features)
    ? features.slice(0, 16).flatMap((f) => (field(f) === undefined ? [] : [f as string]))
    : undefined;
  return {
    os,
    architecture,
    ...(variant === undefined ? {} : { variant }),
    ...(osVersion === undefined ? {} : { 'os.version': osVersion }),
    ...(osFeatures === undefined || osFeatures.length === 0 ? {} : { 'os.features': osFeatures }),
  };
}
