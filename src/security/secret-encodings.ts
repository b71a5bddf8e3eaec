/**
 * The spellings in which a secret we hold may come back to us in text from elsewhere. A registry (or a
 * proxy in front of one) that quotes a request back in an error body quotes it as it saw it: the
 * `Authorization` header's base64, a URL it was part of, a JSON document it was embedded in. The
 * forms here are the ones registries and their proxies have been seen to use, plus the escapes our
 * own JSON answers and log lines apply to whatever passes through them.
 */

/**
 * The escapes a JSON string applies (`"` `\` control characters), the `\/` some encoders add, and
 * the escapes applied twice: a registry's JSON-escaped echo inside a message inside our JSON log line.
 */
function jsonEscaped(text: string): string[] {
  const once = (value: string) => JSON.stringify(value).slice(1, -1);
  const escaped = once(text);
  const slashed = escaped.replaceAll('/', '\\/');
  return [escaped, slashed, once(escaped), once(slashed)];
}

/**
 * Percent-encodings: `encodeURIComponent`'s (upper-case hex), the same with lower-case hex (both
 * are valid and both are seen), and HTML form encoding, which writes a space as `+`.
 */
function percentEncoded(text: string): string[] {
  const upper = encodeURIComponent(text);
  const lower = upper.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
  return [upper, lower, upper.replaceAll('%20', '+')];
}

/** Standard base64 with and without padding, and the URL-safe alphabet without padding. */
function base64Forms(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const padded = bytes.toString('base64');
  return [padded, padded.replace(/=+$/, ''), bytes.toString('base64url')];
}

/** A value with its JSON and percent escapes: how one string travels inside JSON and URLs. */
export function escapedForms(value: string): string[] {
  return [value, ...jsonEscaped(value), ...percentEncoded(value)];
}

/**
 * Every form in which `username`/`password` can show: the password itself, the `user:pass` pair,
 * the base64 of each (the pair's base64 is what `Authorization: Basic` and Docker's `config.json`
 * carry), each of those escaped as JSON and percent-encoded (`Basic%20dXNl...` in a quoted URL).
 */
export function credentialForms(username: string, password: string): string[] {
  const pair = `${username}:${password}`;
  const plain = [password, pair, ...base64Forms(password), ...base64Forms(pair)];
  return unique(plain.flatMap(escapedForms));
}

/** Every form of a bearer token or API token: as it is, JSON-escaped and percent-encoded. */
export function tokenForms(token: string): string[] {
  return unique(escapedForms(token));
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
