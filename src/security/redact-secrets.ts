/**
 * Removes credentials from text that came from elsewhere (a registry's error message) before it
 * reaches a caller or a log. Registries and proxies in front of them have been seen quoting the
 * request's `Authorization` header back in error bodies; relayed as is, that would hand our registry
 * credentials to whoever asked the query.
 *
 * Caught: HTTP auth schemes followed by a credential (`Basic dXNlcjpwYXNz`, `Bearer abc.def`), and
 * JWTs anywhere (`eyJ...`, the shape of registry bearer tokens), whatever surrounds them.
 */
const AUTH_SCHEME = /\b(Basic|Bearer|Token|Digest)\s+[A-Za-z0-9+/=._~-]{4,}/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){1,2}/g;

export function redactSecrets(text: string): string {
  return text.replace(AUTH_SCHEME, '$1 [redacted]').replace(JWT, '[redacted]');
}
