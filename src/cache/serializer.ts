/**
 * The cache's wire format: JSON that round-trips `Uint8Array` (manifest bytes, signature payloads,
 * RFC 3161 tokens) and `Date`. keyv's default JSON serializer turns a `Uint8Array` into
 * `{"0":..,"1":..}` and a `Buffer` into `{"type":"Buffer","data":[..]}`, so bytes read back would no
 * longer hash to their digest or verify as signatures.
 *
 * Special values become tagged objects `{"$t": tag, "v": ...}`. Values we cache contain untrusted
 * JSON (a Sigstore bundle is stored as parsed), and such JSON could itself contain a `$t` key, so
 * every plain object that has one is escaped as `{"$t":"object","v":[[key, value], ...]}` (an array
 * of entries, which the escape never applies to again). A stored object therefore always comes back
 * as the object it was, never as bytes or a date it merely looked like.
 */

const TAG = '$t';

type Tagged =
  | { readonly [TAG]: 'bytes'; readonly v: string }
  | { readonly [TAG]: 'date'; readonly v: string }
  | { readonly [TAG]: 'object'; readonly v: [string, unknown][] };

function replacer(this: unknown, key: string, value: unknown): unknown {
  // `JSON.stringify` hands the replacer the result of `toJSON` (a Buffer's `{type, data}`, a Date's
  // string); the holder still has the original, which is what decides the encoding.
  const original = (this as Record<string, unknown>)[key];
  if (original instanceof Uint8Array) {
    // A view over the same memory, not `Buffer.from(original)`, which would copy it first.
    const view = Buffer.from(original.buffer, original.byteOffset, original.byteLength);
    return { [TAG]: 'bytes', v: view.toString('base64') };
  }
  if (original instanceof Date) return { [TAG]: 'date', v: original.toISOString() };
  if (isPlainObject(value) && Object.hasOwn(value, TAG)) return { [TAG]: 'object', v: Object.entries(value) };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (!isPlainObject(value) || !Object.hasOwn(value, TAG)) return value;
  const tagged = value as Tagged;
  switch (tagged[TAG]) {
    case 'bytes':
      return new Uint8Array(Buffer.from(expectString(tagged.v), 'base64'));
    case 'date': {
      const date = new Date(expectString(tagged.v));
      if (Number.isNaN(date.getTime())) throw new SyntaxError('invalid date in cache entry');
      return date;
    }
    case 'object':
      if (!Array.isArray(tagged.v)) throw new SyntaxError('invalid object in cache entry');
      // `Object.fromEntries` defines own properties, so a `__proto__` entry stays data, not a prototype.
      return Object.fromEntries(tagged.v);
    default:
      throw new SyntaxError('unknown tag in cache entry');
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function expectString(value: unknown): string {
  if (typeof value !== 'string') throw new SyntaxError('invalid tagged value in cache entry');
  return value;
}

/** Encodes `value` (anything JSON can hold, plus `Uint8Array` and `Date`). */
export function serialize(value: unknown): string {
  return JSON.stringify(value, replacer);
}

/**
 * Decodes what {@link serialize} produced. Returns `undefined` for anything malformed: a shared
 * store is not trusted, and a damaged entry is a cache miss, never an exception in a request.
 */
export function deserialize(text: string): unknown {
  try {
    return JSON.parse(text, reviver) as unknown;
  } catch {
    return undefined;
  }
}
