/**
 * JSON canonicalization as Rekor uses it for the SET payload and entry bodies: object keys sorted by
 * UTF-16 code units, no insignificant whitespace, primitives as `JSON.stringify` writes them (RFC 8785
 * for the values our fixtures produce: strings and safe integers).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`cannot canonicalize ${typeof value}`);
    return text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${members.join(',')}}`;
}
