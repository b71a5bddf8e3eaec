import { ASN1Obj } from '@sigstore/core';

/**
 * `ASN1Obj.toDER()` of @sigstore/core, byte for byte, in one allocation. The library's version
 * builds every node into a fresh stream that grows in 1 KiB blocks and copies each child into its
 * parent, so re-encoding one Fulcio certificate costs ~0.4 ms and a chain check re-encodes several
 * (measured: `root.toDER()` 413 µs, TBS 339 µs, `clone()` 322 µs on the bench machine).
 *
 * The algorithm is the library's: a node with children is its tag, the DER length of the
 * concatenated child encodings, then those encodings; a node without children is its tag, the
 * length of its value, then the value. Tags are single bytes (the parser rejects long-form tags),
 * lengths are minimal (short form below 128, else 0x80 | byte count followed by big-endian bytes).
 * The tests compare it with `toDER()` on real certificates and random trees.
 */
export function encodeDer(node: ASN1Obj): Buffer<ArrayBuffer> {
  const contentLengths = new Map<ASN1Obj, number>();
  const total = measure(node, contentLengths);
  const out = Buffer.alloc(total);
  const end = write(node, out, 0, contentLengths);
  // Cannot happen (both passes walk the same tree); a silent short buffer would be far worse.
  if (end !== total) throw new Error(`DER encoding wrote ${end} of ${total} bytes`);
  return out;
}

/**
 * An ASN.1 node whose `toDER()` is {@link encodeDer}. Everything else is inherited unchanged. The
 * encoding is computed on each call from the current tree (nothing is remembered), so a tree that
 * is edited (the SCT check removes an extension from a certificate's clone) encodes as edited.
 */
export class FastDerNode extends ASN1Obj {
  override toDER(): Buffer {
    return encodeDer(this);
  }
}

/** The same tree (same tags, same value bytes) built of {@link FastDerNode}s; the input is untouched. */
export function withFastDer(node: ASN1Obj): FastDerNode {
  return new FastDerNode(node.tag, node.value, node.subs.map(withFastDer));
}

function lengthOfLength(length: number): number {
  if (length < 128) return 1;
  let bytes = 0;
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes += 1;
  return 1 + bytes;
}

function measure(node: ASN1Obj, contentLengths: Map<ASN1Obj, number>): number {
  let content = 0;
  if (node.subs.length > 0) {
    for (const sub of node.subs) content += measure(sub, contentLengths);
  } else {
    content = node.value.length;
  }
  contentLengths.set(node, content);
  return 1 + lengthOfLength(content) + content;
}

function write(node: ASN1Obj, out: Buffer, start: number, contentLengths: Map<ASN1Obj, number>): number {
  let at = start;
  // A single byte, as the library's `appendChar` writes it.
  out[at++] = node.tag.toDER() & 0xff;
  const content = contentLengths.get(node) ?? 0;
  if (content < 128) {
    out[at++] = content;
  } else {
    const bytes = lengthOfLength(content) - 1;
    out[at++] = 0x80 | bytes;
    for (let i = bytes - 1; i >= 0; i -= 1) out[at++] = Math.floor(content / 256 ** i) % 256;
  }
  if (node.subs.length > 0) {
    for (const sub of node.subs) at = write(sub, out, at, contentLengths);
  } else {
    at += node.value.copy(out, at);
  }
  return at;
}
