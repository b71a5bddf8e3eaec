import { RegistryError } from '../errors.js';

/** Same grammar as `validateTag` in endpoint.ts: a tag we could later ask for by name. */
const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * Reads one page of `GET /v2/<name>/tags/list`: `{"name": "<name>", "tags": ["v1", ...]}`.
 * Untrusted input, parsed defensively: anything but an object is a protocol error; `tags` may be
 * absent or `null` (distribution answers so for a repository without tags), which means none; an
 * entry that is not a valid tag name (not a string, too long, a path, control characters) is dropped
 * rather than passed on, because every tag returned is later put into a manifest URL. `name` is not
 * checked: registries disagree on whether it carries the registry host, and nothing relies on it.
 */
export function parseTagListPage(body: Uint8Array, what: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new RegistryError('REGISTRY_PROTOCOL_ERROR', `${what}: the answer is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RegistryError('REGISTRY_PROTOCOL_ERROR', `${what}: the answer is not a JSON object`);
  }
  const tags = (parsed as Record<string, unknown>).tags;
  if (tags === undefined || tags === null) return [];
  if (!Array.isArray(tags)) {
    throw new RegistryError('REGISTRY_PROTOCOL_ERROR', `${what}: "tags" is not an array`);
  }
  return tags.filter((tag): tag is string => typeof tag === 'string' && TAG_PATTERN.test(tag));
}
