import { RE2JS } from 're2js';
import { LruMap } from '../../collections/lru-map.js';
import { PolicyError } from '../errors.js';
import { estimateRegexpSize } from './policy-limits.js';

/**
 * A policy regular expression, compiled with RE2 semantics (re2js): matching is linear in the input,
 * so a hostile certificate value cannot make a pattern backtrack for seconds (no ReDoS), and the
 * syntax is Go's — the one cosign users write their `--certificate-identity-regexp` in.
 */
export interface PolicyRegexp {
  readonly source: string;
  /**
   * UNANCHORED search, exactly like cosign: cosign compiles with Go `regexp.Compile` and calls
   * `regex.MatchString(san)` (pkg/cosign/verify.go, CheckCertificatePolicy), which reports a match
   * anywhere in the string. So `acme/app` also accepts `https://github.com/acme/app-evil/...`; users
   * who want a full match must write `^...$`, as cosign's documentation tells them to. Anchoring here
   * would silently change the meaning of policies copied from cosign command lines.
   */
  test(value: string): boolean;
}

/**
 * Bytes a compiled program holds per RE2 instruction, rounded up from measurement (re2js: ~80 bytes per
 * instruction for long alternations, ~40 for repeated classes).
 */
const BYTES_PER_INSTRUCTION = 100;

/** Bound of {@link compiledBySource} in (estimated) bytes. */
export const COMPILED_REGEXP_MEMO_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Compiled patterns by source. Compiling an RE2 program costs more than matching with it, and the same
 * few policies arrive with every request, so warm queries reuse them. Bounded (least recently used
 * out) by count and by bytes, so that callers sending ever-new patterns cannot grow it: a count alone
 * let ten big patterns hold 117 MB. Each entry is weighed by its estimated program size, plus its
 * source (a UTF-16 string, held as the key). Only successful compiles are kept, and a compiled
 * RE2JS program is immutable, so sharing it between requests is safe.
 */
const compiledBySource = new LruMap<string, RE2JS>({
  maxEntries: 256,
  weigh: (source) => estimateRegexpSize(source) * BYTES_PER_INSTRUCTION + source.length * 2,
  maxWeight: COMPILED_REGEXP_MEMO_MAX_BYTES,
});

/** The memo's current size, for tests of its bound. */
export function compiledRegexpMemo(): { readonly entries: number; readonly bytes: number } {
  return { entries: compiledBySource.size, bytes: compiledBySource.totalWeight };
}

/**
 * Compiles `pattern` for the policy field `field`; RE2-incompatible syntax is an {@link PolicyError}.
 * Callers check the pattern against `POLICY_LIMITS` first (compilePolicy does): compiling is what
 * those limits bound.
 */
export function compilePolicyRegexp(pattern: string, field: string): PolicyRegexp {
  const cached = compiledBySource.get(pattern);
  if (cached !== undefined) return { source: pattern, test: (value) => cached.test(value) };
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (cause) {
    // Backreferences, lookaround and possessive quantifiers do not exist in RE2 (they are exactly
    // the features that make matching super-linear); Go's regexp rejects them too, so cosign would.
    throw new PolicyError(
      `${field} is not a valid RE2 regular expression (as used by cosign): ${(cause as Error).message}`,
      { cause },
    );
  }
  compiledBySource.set(pattern, compiled);
  return { source: pattern, test: (value) => compiled.test(value) };
}
