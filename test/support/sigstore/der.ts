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
/** A SET OF, members sorted by their encodings as DER requires. */
export const derSet = (...items: Buffer[]): Buffer =>
  derTlv(0x31, Buffer.concat([...items].sort(Buffer.compare)));
/** Context-specific constructed tag `[n]` (EXPLICIT wrapping, or IMPLICIT of a constructed type). */
export const derContext = (n: number, ...items: Uint8Array[]): Buffer =>
  derTlv(0xa0 | n, Buffer.concat(items));

/** A non-negative INTEGER from a number or big-endian magnitude bytes. */
export function derInteger(value: number | Uint8Array): Buffer {
  let bytes: Buffer;
  if (typeof value === 'number') {
    const hex = value.toString(16);
    bytes = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
  } else {
    bytes = Buffer.from(value);
  }
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  bytes = bytes.subarray(start);
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return derTlv(0x02, bytes);
}

export function derOid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [arcs[0]! * 40 + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [];
    let n = arc;
    do {
      chunk.unshift(n & 0x7f);
      n = Math.floor(n / 128);
    } while (n > 0);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    out.push(...chunk);
  }
  return derTlv(0x06, Buffer.from(out));
}

/** GeneralizedTime `YYYYMMDDHHMMSSZ` (whole seconds, as RFC 3161 TSAs without accuracy write it). */
export function derGeneralizedTime(date: Date): Buffer {
  const text = date
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return derTlv(0x18, Buffer.from(text, 'ascii'));
}
