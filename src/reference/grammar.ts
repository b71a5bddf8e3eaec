/**
 * The reference grammar of Docker's distribution `reference` package and the OCI distribution spec,
 * as small predicates. Everything here is pure and bounded: callers cap the input length first, and
 * every pattern is free of nested ambiguous quantifiers, so no input can make matching slow.
 */

/** Docker Hub, written the way go-containerregistry canonicalises it. */
export const DEFAULT_REGISTRY = 'index.docker.io';
/** What users type for Docker Hub; rewritten to {@link DEFAULT_REGISTRY}. */
export const DOCKER_HUB_ALIAS = 'docker.io';
/** Docker Hub's namespace for official images: `alpine` is `library/alpine`. */
export const OFFICIAL_NAMESPACE = 'library';
export const DEFAULT_TAG = 'latest';

/** `registry/repository` longer than this is refused (the distribution spec's client limit). */
export const MAX_NAME_LENGTH = 255;
/** A tag is one leading word character plus at most 127 more. */
export const MAX_TAG_LENGTH = 128;

/** One path component: lowercase alphanumerics joined by `.`, `_`, `__` or runs of `-`. */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
/** One DNS label: alphanumerics, inner hyphens allowed. */
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
/** A bracketed IPv6 literal; the address itself is checked loosely (hex digits, colons, dots for v4-mapped). */
const IPV6_LITERAL = /^\[[0-9A-Fa-f:.]+\]$/;
const PORT = /^[0-9]{1,5}$/;
/** OCI digest algorithm grammar: `[a-z0-9]+([+._-][a-z0-9]+)*`. */
const DIGEST_ALGORITHM = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*$/;

/**
 * Algorithms we can verify content against, with their hex length. A digest in any other algorithm
 * is refused up front: content addressed by a hash we cannot recompute could not be checked, and an
 * unchecked manifest is exactly what a signature service must never trust.
 */
// A Map, not an object literal: `constructor` is a valid algorithm name and must not find a prototype member.
const DIGEST_HEX_LENGTH: ReadonlyMap<string, number> = new Map([
  ['sha256', 64],
  ['sha512', 128],
]);
const LOWER_HEX = /^[0-9a-f]+$/;

export function isPathComponent(component: string): boolean {
  return PATH_COMPONENT.test(component);
}

export function isTag(tag: string): boolean {
  return tag.length <= MAX_TAG_LENGTH && TAG.test(tag);
}

/**
 * Whether the first path component names a registry rather than a namespace: Docker's rule, a `.`
 * (a domain), a `:` (a port) or exactly `localhost`.
 */
export function looksLikeRegistry(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

/** `host[:port]` where host is a DNS name, an IPv4 address (a DNS-shaped string) or a bracketed IPv6 literal. */
export function isRegistryHost(registry: string): boolean {
  let host = registry;
  const portSeparator = registry.startsWith('[') ? registry.indexOf(']:') + 1 : registry.lastIndexOf(':');
  if (portSeparator > 0) {
    const port = registry.slice(portSeparator + 1);
    if (!PORT.test(port) || Number(port) > 65535) return false;
    host = registry.slice(0, portSeparator);
  }
  if (host.startsWith('[')) return IPV6_LITERAL.test(host);
  return host.split('.').every((label) => DOMAIN_LABEL.test(label));
}

export type DigestProblem = 'missing-separator' | 'bad-algorithm' | 'unsupported-algorithm' | 'bad-encoding';

/** Checks `algorithm:hex`; returns what is wrong, or undefined when the digest is well formed. */
export function digestProblem(digest: string): DigestProblem | undefined {
  const separator = digest.indexOf(':');
  if (separator < 0) return 'missing-separator';
  const algorithm = digest.slice(0, separator);
  const encoded = digest.slice(separator + 1);
  if (!DIGEST_ALGORITHM.test(algorithm)) return 'bad-algorithm';
  const expectedLength = DIGEST_HEX_LENGTH.get(algorithm);
  if (expectedLength === undefined) return 'unsupported-algorithm';
  if (encoded.length !== expectedLength || !LOWER_HEX.test(encoded)) return 'bad-encoding';
  return undefined;
}
