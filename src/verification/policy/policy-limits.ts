import { PolicyError } from '../errors.js';

/**
 * Size caps on a caller's policy, checked before anything is compiled or fetched. A policy is a few
 * identities, issuers and perhaps a key; every cap is far above what a real `cosign verify` command
 * line holds, and far below what makes compiling or comparing it cost the service anything.
 *
 * Why regexps get the tightest caps: compiling an RE2 program takes time and memory roughly linear in
 * its size (re2js, measured: a 0.5 MB alternation took ~0.6 s of event-loop time and ~70 MB), and
 * the size is not the source length — `\pL{1000}` is 9 characters and a thousand instructions. So a
 * pattern is capped by length AND by an upper bound of its compiled size, estimated from the source
 * the way RE2's parser sizes its tree (repeats multiply what they repeat). Within both caps one
 * compile costs a few milliseconds.
 */
export const POLICY_LIMITS = {
  /** Characters in one regexp field. A long identity alternation of a dozen repositories fits. */
  maxRegexpLength: 1024,
  /**
   * Estimated RE2 instructions of one regexp (see {@link estimateRegexpSize}); a real identity pattern
   * is under 200. At this size one compile took 5–15 ms here (alternations and Unicode classes cost most).
   */
  maxRegexpSize: 1000,
  /** Characters in any other string (identity, issuer, workflow claims, an annotation's key or value). */
  maxStringLength: 4096,
  /** Characters of the PEM `key`. An RSA-4096 public key is about 800; 16 KiB leaves room for comments. */
  maxKeyLength: 16 * 1024,
  /** Required annotations (`-a key=value`); a handful in practice. */
  maxAnnotations: 64,
  /** Characters in all strings of the policy together. */
  maxTotalLength: 32 * 1024,
  /**
   * Estimated RE2 instructions of all regexps of one policy together, and of all policies of one
   * GraphQL operation together (policy-limits-plugin.ts): a policy has nine regexp fields and an
   * operation up to ~30 aliased policies, so per-field caps alone would still allow seconds of
   * compiling per request. At this total the worst case measured here is ~0.1 s.
   */
  maxRegexpSizeTotal: 4000,
} as const;

/** True for the fields compiled as RE2 regexps (`certificateIdentityRegexp`, and any later `…Regexp`). */
const isRegexpField = (field: string): boolean => field.endsWith('Regexp');

/**
 * The per-regexp caps (length, estimated RE2 instructions), for the policy's `…Regexp` fields and
 * the `matches()` patterns of CEL conditions alike. Throws PolicyError naming `field`; returns the
 * estimated size, for the per-policy total.
 */
export function checkRegexpCaps(field: string, value: string): number {
  if (value.length > POLICY_LIMITS.maxRegexpLength) {
    throw new PolicyError(
      `${field} is ${value.length} characters long; at most ${POLICY_LIMITS.maxRegexpLength} are accepted`,
    );
  }
  const size = estimateRegexpSize(value);
  if (size > POLICY_LIMITS.maxRegexpSize) {
    throw new PolicyError(
      `${field} is too large a regular expression: about ${size} RE2 instructions once its repeats ` +
        `are expanded; at most ${POLICY_LIMITS.maxRegexpSize} are accepted`,
    );
  }
  return size;
}

/**
 * Refuses a policy over any of {@link POLICY_LIMITS} with an INVALID_POLICY message naming the field
 * and the cap. Walks every field generically, so a field added to `Policy` later is capped too.
 */
export function checkPolicyLimits(policy: object): void {
  let total = 0;
  let regexpSize = 0;
  const measure = (field: string, value: string, max: number) => {
    if (value.length > max) {
      throw new PolicyError(`${field} is ${value.length} characters long; at most ${max} are accepted`);
    }
    total += value.length;
  };
  for (const [field, value] of Object.entries(policy)) {
    if (typeof value === 'string') {
      if (field === 'key') measure(field, value, POLICY_LIMITS.maxKeyLength);
      else if (isRegexpField(field)) {
        regexpSize += checkRegexpCaps(field, value);
        total += value.length;
      } else measure(field, value, POLICY_LIMITS.maxStringLength);
    } else if (Array.isArray(value)) {
      if (value.length > POLICY_LIMITS.maxAnnotations) {
        throw new PolicyError(
          `${field} has ${value.length} entries; at most ${POLICY_LIMITS.maxAnnotations} are accepted`,
        );
      }
      value.forEach((entry: unknown, n) => {
        if (typeof entry === 'string') return measure(`${field}[${n}]`, entry, POLICY_LIMITS.maxStringLength);
        if (typeof entry !== 'object' || entry === null) return;
        for (const [name, inner] of Object.entries(entry)) {
          if (typeof inner === 'string')
            measure(`${field}[${n}].${name}`, inner, POLICY_LIMITS.maxStringLength);
        }
      });
    }
  }
  if (total > POLICY_LIMITS.maxTotalLength) {
    throw new PolicyError(
      `policy is ${total} characters long in all; at most ${POLICY_LIMITS.maxTotalLength} are accepted`,
    );
  }
  checkRegexpSizeTotal(regexpSize, 'the regular expressions of this policy');
}

/** The regexps of a policy (every string field compiled as one), for bounding several policies. */
export function policyRegexps(policy: object): string[] {
  return Object.entries(policy)
    .filter((entry): entry is [string, string] => isRegexpField(entry[0]) && typeof entry[1] === 'string')
    .map(([, value]) => value);
}

/** Refuses `size` estimated RE2 instructions over {@link POLICY_LIMITS}.maxRegexpSizeTotal, naming `whose`. */
export function checkRegexpSizeTotal(size: number, whose: string): void {
  if (size > POLICY_LIMITS.maxRegexpSizeTotal) {
    throw new PolicyError(
      `${whose} are too large together: about ${size} RE2 instructions; at most ` +
        `${POLICY_LIMITS.maxRegexpSizeTotal} are accepted`,
    );
  }
}

/** A group being scanned: the size of its finished alternatives and of the current one. */
interface Frame {
  alternatives: number;
  branches: number;
  concat: number;
  /** Size of the last atom of `concat`, which a following quantifier applies to. */
  last: number;
}

const newFrame = (): Frame => ({ alternatives: 0, branches: 0, concat: 0, last: 0 });
const frameSize = (f: Frame): number => f.alternatives + f.concat + f.branches;

/**
 * An upper bound of the instructions RE2 compiles `pattern` into, from the source alone (no parse
 * tree is built, so estimating costs nothing). Follows RE2's own size rules (re2js `Parser.calcSize`):
 * a literal or class is one, `x*`/`x+`/`x?` add one or two, `x{n,m}` is m copies of x, alternatives
 * add one per `|`, a group adds two for its capture. It over-counts (an escape sequence counts once per
 * atom, never less), which only makes the cap stricter. Syntax errors are left to the compiler.
 */
export function estimateRegexpSize(pattern: string): number {
  const stack: Frame[] = [newFrame()];
  const top = () => stack[stack.length - 1] as Frame;
  const atom = (size: number) => {
    top().concat += size;
    top().last = size;
  };
  const repeat = (times: number, extra: number) => {
    const frame = top();
    frame.concat += frame.last * (times - 1) + extra;
    frame.last = frame.last * times + extra;
  };
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === 'Q') {
        // \Q…\E: every character literal.
        const end = pattern.indexOf('\\E', i + 2);
        const literal = end === -1 ? pattern.length - (i + 2) : end - (i + 2);
        atom(Math.max(1, literal));
        i = end === -1 ? pattern.length : end + 2;
        continue;
      }
      // \p{Greek}, \x{10FFFF}: skip the braces with the escape.
      if ((next === 'p' || next === 'P' || next === 'x') && pattern[i + 2] === '{') {
        const close = pattern.indexOf('}', i + 3);
        i = close === -1 ? pattern.length : close + 1;
      } else i += 2;
      atom(1);
    } else if (c === '[') {
      i = endOfClass(pattern, i);
      atom(1);
    } else if (c === '(') {
      stack.push(newFrame());
      // Skip a group's flags or name: (?:, (?i), (?P<name>.
      if (pattern[i + 1] === '?') {
        const stop = pattern.slice(i + 2).search(/[:)>]/);
        i = stop === -1 ? pattern.length : i + 2 + stop + (pattern[i + 2 + stop] === ')' ? 0 : 1);
        if (pattern[i] === ')') {
          // A flags-only group like (?i) is no group at all.
          stack.pop();
          i += 1;
        }
        continue;
      }
      i += 1;
    } else if (c === ')') {
      const inner = stack.length > 1 ? (stack.pop() as Frame) : newFrame();
      atom(frameSize(inner) + 2);
      i += 1;
    } else if (c === '|') {
      const frame = top();
      frame.alternatives += frame.concat;
      frame.branches += 1;
      frame.concat = 0;
      frame.last = 0;
      i += 1;
    } else if (c === '*' || c === '+' || c === '?') {
      repeat(1, c === '*' ? 2 : 1);
      i += pattern[i + 1] === '?' ? 2 : 1; // a lazy quantifier costs the same
    } else if (c === '{') {
      const counted = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i, i + 16));
      if (counted === null) {
        atom(1); // a literal brace
        i += 1;
        continue;
      }
      const min = Number(counted[1]);
      const max = counted[2] === undefined ? min : counted[3] === '' ? -1 : Number(counted[3]);
      // x{n,} is n copies and a star; x{n,m} is m copies and m-n optional markers.
      if (max === -1) repeat(Math.max(min, 1), 2);
      else repeat(Math.max(max, 1), Math.max(0, max - min));
      i += counted[0].length;
      if (pattern[i] === '?') i += 1;
    } else {
      atom(1);
      i += 1;
    }
  }
  while (stack.length > 1) {
    const inner = stack.pop() as Frame;
    atom(frameSize(inner) + 2);
  }
  // +2: every program ends in a match and starts with a fail instruction.
  return frameSize(top()) + 2;
}

/** Index just past the `]` closing the class opened at `start` (or the end of an unclosed one). */
function endOfClass(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '^') i += 1;
  if (pattern[i] === ']') i += 1; // a leading ] is literal
  while (i < pattern.length && pattern[i] !== ']') {
    if (pattern[i] === '\\') i += 2;
    else if (pattern.startsWith('[:', i)) {
      const close = pattern.indexOf(':]', i + 2);
      i = close === -1 ? i + 1 : close + 2;
    } else i += 1;
  }
  return Math.min(pattern.length, i + 1);
}
