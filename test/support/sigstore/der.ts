/**
 * The few DER encodings the fixture writes by hand: values that are opaque to @peculiar/asn1-x509 (the
 * Fulcio extension payloads, the SCT list) and the outer Certificate SEQUENCE, which we assemble from
 * the exact TBS bytes we signed so that nothing can re-encode them differently.
 */
function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function derTlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

export const derSequence = (...items: Uint8Array[]): Buffer => derTlv(0x30, Buffer.concat(items));
export const derOctetString = (content: Uint8Array): Buffer => derTlv(0x04, content);
export const derUtf8String = (text: string): Buffer => derTlv(0x0c, Buffer.from(text, 'utf8'));
/** A BIT STRING with no unused bits (signatures). */
export const derBitString = (content: Uint8Array): Buffer =>
  derTlv(0x03, Buffer.concat([Buffer.from([0]), content]));
