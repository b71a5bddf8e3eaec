/**
 * Reads one DER-encoded ASN.1 string: the value of Fulcio extensions `.1.8` onwards (fulcio
 * `docs/oid-info.md`: "DER-encoded strings; the ASN.1 tag is UTF8String (0x0C)").
 *
 * The bytes come from a certificate that may be attacker-supplied (it is read before, and even
 * without, verification, to show who a signature claims to be), so the reader is strict and bounded:
 * exactly one TLV, a definite minimal length, no trailing bytes (sigstore-go refuses those too), at
 * most {@link MAX_CLAIM_BYTES}, and valid UTF-8. Anything else reads as undefined, never as a guess.
 */

/**
 * Longest claim value read. Real values are URIs of a few hundred bytes at most (a run invocation
 * URI is ~80); a certificate is capped as a whole elsewhere, this keeps one claim from being a
 * megabyte string copied into every answer and log line.
 */
export const MAX_CLAIM_BYTES = 4096;

/**
 * String tags Go's `asn1.Unmarshal(…, &string)` accepts (what sigstore-go parses these claims with):
 * UTF8String, PrintableString, IA5String, T61String and NumericString. Fulcio writes UTF8String; the
 * others are accepted so that a certificate sigstore-go and `gh` read is read the same here.
 * BMPString (UTF-16) is left out: Fulcio never writes it and decoding it differently would be worse.
 */
const STRING_TAGS: ReadonlySet<number> = new Set([0x0c, 0x13, 0x16, 0x14, 0x12]);

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function readDerString(der: Uint8Array | undefined): string | undefined {
  if (der === undefined || der.length < 2) return undefined;
  const tag = der[0]!;
  if (!STRING_TAGS.has(tag)) return undefined;
  const first = der[1]!;
  let length: number;
  let start: number;
  if (first < 0x80) {
    length = first;
    start = 2;
  } else {
    // Long form: 0x81 (one length byte, value ≥ 128) or 0x82 (two bytes, value ≥ 256). More is
    // already beyond MAX_CLAIM_BYTES; 0x80 (indefinite) is BER, not DER.
    const count = first & 0x7f;
    if (count < 1 || count > 2 || der.length < 2 + count) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[2 + i]!;
    if (der[2] === 0 || length < 0x80) return undefined; // not minimal: DER forbids it
    start = 2 + count;
  }
  if (length > MAX_CLAIM_BYTES) return undefined;
  if (start + length !== der.length) return undefined; // truncated, or trailing bytes
  try {
    return utf8.decode(der.subarray(start, start + length));
  } catch {
    return undefined;
  }
}
