import { DiscoveryError, malformed } from './errors.js';

/**
 * JSON from a registry, read the way cosign's Go code reads it, but defensively.
 *
 * cosign decodes payloads and annotations with Go's `encoding/json`, which matches object keys to
 * struct fields *case-insensitively* (`Critical` fills `critical`). If we matched exactly, a payload
 * that cosign accepts would look empty to us, and vice versa; either way the two tools would disagree
 * about what was signed. So field look-ups here fold case exactly as Go does, and where Go would have
 * to pick between two spellings of one field (`critical` *and* `Critical`) we refuse the document
 * instead: Go merges them in document order, and reproducing that merge is not worth the risk of
 * getting it subtly wrong. Refusing is the safe direction: it can only turn a pass into a failure.
 */

export type JsonObject = { readonly [key: string]: unknown };

/**
 * Deepest nesting accepted. Real payloads nest 3 levels (simple signing) to ~10 (SLSA provenance);
 * the cap keeps later recursive code (serialisation into GraphQL answers, logging) off the stack limit.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * fatal: invalid UTF-8 is refused rather than replaced, so we never read different text than was signed.
 * ignoreBOM: a BOM is kept and then rejected by JSON.parse, as Go's decoder rejects it.
 * Shared: a call without `{ stream: true }` starts from a fresh state, also after one that threw.
 */
const STRICT_UTF8_KEEPING_BOM = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Parses untrusted bytes: size-capped, strict UTF-8 (no BOM), depth-capped. */
export function parseUntrustedJson(bytes: Uint8Array, what: string, maxBytes: number): unknown {
  if (bytes.length > maxBytes) {
    throw new DiscoveryError(
      'PAYLOAD_TOO_LARGE',
      `${what} is ${bytes.length} bytes, more than the ${maxBytes} allowed`,
    );
  }
  let text: string;
  try {
    text = STRICT_UTF8_KEEPING_BOM.decode(bytes);
  } catch {
    throw malformed(`${what} is not valid UTF-8`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw malformed(
      `${what} is not valid JSON: ${error instanceof Error ? error.message.slice(0, 120) : 'parse error'}`,
    );
  }
  assertDepth(value, what);
  return value;
}

/** Iterative (not recursive) so that the check itself cannot overflow the stack. */
function assertDepth(root: unknown, what: string): void {
  const stack: [unknown, number][] = [[root, 1]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [value, depth] = item;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_JSON_DEPTH) throw malformed(`${what} nests deeper than ${MAX_JSON_DEPTH} levels`);
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One code point folded as Go's `unicode.ToUpper(unicode.ToLower(r))` (simple, 1:1 case mapping). */
function foldCodePoint(ch: string): string {
  // JavaScript applies *full* case mapping, which can expand one character into several
  // ('İ' → 'i̇', 'ß' → 'SS'); Go maps rune to rune. Keep the 1:1 result, else the character itself,
  // with the one special lower-casing Go does differently spelled out.
  const lower = ch === '\u0130' ? 'i' : oneCodePoint(ch.toLowerCase(), ch);
  return oneCodePoint(lower.toUpperCase(), lower);
}

function oneCodePoint(candidate: string, fallback: string): string {
  return [...candidate].length === 1 ? candidate : fallback;
}

/** Go's `encoding/json` key folding: `K` (Kelvin sign) and `ſ` (long s) fold to ASCII letters too. */
export function foldKey(key: string): string {
  let out = '';
  for (const ch of key) out += ch.charCodeAt(0) < 0x80 ? ch.toUpperCase() : foldCodePoint(ch);
  return out;
}

/**
 * The value Go would decode into struct field `field` of `object` (undefined when absent). Throws
 * when more than one key of the object names that field: see the module comment.
 */
export function goField(object: JsonObject, field: string, where: string): unknown {
  const wanted = foldKey(field);
  let found: string | undefined;
  for (const key of Object.keys(object)) {
    if (foldKey(key) !== wanted) continue;
    if (found !== undefined)
      throw malformed(`${where} names field "${field}" twice (${quote(found)} and ${quote(key)})`);
    found = key;
  }
  return found === undefined ? undefined : object[found];
}

/** A string field; `null` and absence read as undefined, as Go leaves the zero value. */
export function goString(object: JsonObject, field: string, where: string): string | undefined {
  const value = goField(object, field, where);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw malformed(`${where}.${field} must be a string, got ${describe(value)}`);
  return value;
}

/** An object (struct or map) field; `null` and absence read as undefined. Arrays are refused. */
export function goObject(object: JsonObject, field: string, where: string): JsonObject | undefined {
  const value = goField(object, field, where);
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) throw malformed(`${where}.${field} must be an object, got ${describe(value)}`);
  return value;
}

/** An array field; `null` and absence read as undefined. */
export function goArray(object: JsonObject, field: string, where: string): readonly unknown[] | undefined {
  const value = goField(object, field, where);
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw malformed(`${where}.${field} must be an array, got ${describe(value)}`);
  return value;
}

/** An int64 field. Must be present: every integer we read feeds a signature check, where 0 is never right by accident. */
export function goInteger(object: JsonObject, field: string, where: string): number {
  const value = goField(object, field, where);
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw malformed(`${where}.${field} must be an integer, got ${describe(value)}`);
  }
  return value;
}

/** The root of a document, which must be an object. */
export function requireObject(value: unknown, what: string): JsonObject {
  if (!isJsonObject(value)) throw malformed(`${what} must be a JSON object, got ${describe(value)}`);
  return value;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** Untrusted text inside our messages: JSON-quoted (no control characters) and shortened (no log stuffing). */
export function quote(text: string, max = 80): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}
