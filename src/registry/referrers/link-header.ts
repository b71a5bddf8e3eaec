import type { Endpoint } from '../endpoint.js';
import { RegistryError } from '../errors.js';

/**
 * The `rel="next"` target of an RFC 8288 `Link` header, as the OCI distribution spec uses it for
 * paginating the referrers and tag lists: `</v2/a/referrers/sha256:...?n=2&last=x>; rel="next"`.
 * Untrusted input: returns undefined for anything it cannot read instead of throwing.
 */
export function parseNextLink(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.slice(0, 8192).split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (match === null) continue;
    const params = match[2] ?? '';
    const rels = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const rel = rels?.[1] ?? rels?.[2];
    if (rel !== undefined && rel.toLowerCase().split(/\s+/).includes('next')) return match[1];
  }
  return undefined;
}

/**
 * The next page to GET, resolved against the current one, or undefined on the last page. Throws
 * `REGISTRY_PROTOCOL_ERROR` for a target on another origin.
 */
export function resolveNextPage(
  link: string | undefined,
  current: URL,
  endpoint: Endpoint,
  what: string,
): URL | undefined {
  const next = parseNextLink(link);
  if (next === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(next, current);
  } catch {
    throw new RegistryError('REGISTRY_PROTOCOL_ERROR', `${what}: unparseable Link header`);
  }
  // Our credentials go with every page: the next page must be on the same registry.
  if (url.origin !== endpoint.baseUrl.origin) {
    throw new RegistryError('REGISTRY_PROTOCOL_ERROR', `${what}: Link points to another host (${url.host})`);
  }
  return url;
}
