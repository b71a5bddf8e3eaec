import { sha256 } from './keys.js';

/**
 * RFC 6962 §2.1 Merkle tree hashing and audit paths, written from the RFC (recursive definitions,
 * fine for the few hundred leaves a test log holds).
 */
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export const leafHash = (leaf: Uint8Array): Buffer => sha256(LEAF_PREFIX, leaf);
const nodeHash = (left: Buffer, right: Buffer): Buffer => sha256(NODE_PREFIX, left, right);

/** The largest power of two strictly smaller than n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) over already leaf-hashed entries. */
export function rootHash(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0]!;
  const k = split(leaves.length);
  return nodeHash(rootHash(leaves.slice(0, k)), rootHash(leaves.slice(k)));
}

/** PATH(m, D[n]): sibling hashes from the leaf up to the root, the order verifiers consume them in. */
export function auditPath(index: number, leaves: readonly Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  if (index < k) return [...auditPath(index, leaves.slice(0, k)), rootHash(leaves.slice(k))];
  return [...auditPath(index - k, leaves.slice(k)), rootHash(leaves.slice(0, k))];
}
