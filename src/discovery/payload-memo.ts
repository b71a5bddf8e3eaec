/**
 * What was read from a content-addressed blob, kept across requests by the layer above (the cache
 * implements it; discovery only sees this interface): a 4 MB SBOM bundle is fetched, digest-checked
 * and parsed once, not again on every query that lists it.
 *
 * Safe because the key names everything the reading depended on — the repository (as the blob
 * cache does: a digest in one repository says nothing about another), the blob digest (one digest is
 * one set of bytes, checked when fetched), the size the descriptor claims (checked against the
 * bytes when fetched: a manifest that lies about it must fail warm as it fails cold), the cap, and
 * the subject digest where the reading checks it — and the reading is a pure function of those. Values are shared and must not be changed. Only
 * successful reads are kept: a problem is read again next time.
 */
export interface PayloadMemo {
  peek(key: string): unknown;
  keep(key: string, value: unknown, weight: number): void;
}

/** The memo key for reading `digest` in `repository` as `what`, with the inputs that reading used. */
export function payloadMemoKey(
  what: string,
  repository: { readonly registry: string; readonly repository: string },
  digest: string,
  ...inputs: readonly (string | number)[]
): string {
  return JSON.stringify([what, repository.registry, repository.repository, digest, ...inputs]);
}

/** `read`'s value, from `memo` when an earlier read kept it; kept when it has no `problem`. */
export async function memoized<T extends object>(
  memo: PayloadMemo | undefined,
  key: string,
  weight: () => number,
  read: () => Promise<T>,
): Promise<T> {
  const kept = memo?.peek(key);
  if (kept !== undefined) return kept as T;
  const value = await read();
  if (memo !== undefined && !('problem' in value)) memo.keep(key, value, weight());
  return value;
}
