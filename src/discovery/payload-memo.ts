import { DiscoveryError } from './errors.js';

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

/**
 * `read`'s value, from `memo` when an earlier read kept it; kept when it has no `problem`. A
 * {@link DiscoveryError} thrown by `read` is kept too and thrown again: it comes from parsing the
 * bytes (malformed, too deep, too large), so the same key would only throw it again — after
 * fetching and parsing up to the cap once more, which a hostile registry could ask of every query.
 * Anything else thrown (a registry failure, an abort) is not kept.
 */
export async function memoized<T extends object>(
  memo: PayloadMemo | undefined,
  key: string,
  weight: () => number,
  read: () => Promise<T>,
): Promise<T> {
  const kept = recall<T>(memo, key);
  if (kept !== undefined) return kept;
  let value: T;
  try {
    value = await read();
  } catch (error) {
    throw remembered(memo, key, error);
  }
  keepUnlessProblem(memo, key, value, weight);
  return value;
}

/** {@link memoized} for a reading with nothing to wait for (parsing bytes already in hand). */
export function memoizedSync<T extends object>(
  memo: PayloadMemo | undefined,
  key: string,
  weight: () => number,
  read: () => T,
): T {
  const kept = recall<T>(memo, key);
  if (kept !== undefined) return kept;
  let value: T;
  try {
    value = read();
  } catch (error) {
    throw remembered(memo, key, error);
  }
  keepUnlessProblem(memo, key, value, weight);
  return value;
}

/** What an earlier reading kept under `key`; throws the parse failure it kept instead, if any. */
function recall<T>(memo: PayloadMemo | undefined, key: string): T | undefined {
  const kept = memo?.peek(key);
  if (kept instanceof KeptFailure) throw kept.error;
  return kept as T | undefined;
}

/** `error`, kept first when it is a parse failure (a DiscoveryError), to be thrown again. */
function remembered(memo: PayloadMemo | undefined, key: string, error: unknown): unknown {
  if (memo !== undefined && error instanceof DiscoveryError) {
    memo.keep(key, new KeptFailure(error), error.message.length);
  }
  return error;
}

function keepUnlessProblem(
  memo: PayloadMemo | undefined,
  key: string,
  value: object,
  weight: () => number,
): void {
  if (memo !== undefined && !('problem' in value)) memo.keep(key, value, weight());
}

/** A parse failure kept under its key (see {@link memoized}). */
class KeptFailure {
  constructor(readonly error: DiscoveryError) {}
}
