import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { PolicyError } from '../errors.js';
import { compilePolicy } from './compile-policy.js';
import { checkPolicyLimits, estimateRegexpSize, POLICY_LIMITS } from './policy-limits.js';
import { compiledRegexpMemo, compilePolicyRegexp, COMPILED_REGEXP_MEMO_MAX_BYTES } from './regexp.js';

const ISSUER = 'https://token.actions.githubusercontent.com';
const SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';

/** The instructions re2js really compiled `pattern` into (its internal program; tests only). */
function compiledSize(pattern: string): number {
  const compiled = RE2JS.compile(pattern) as unknown as { re2Input: { prog: { inst: unknown[] } } };
  return compiled.re2Input.prog.inst.length;
}

function refusal(policy: object): string {
  try {
    checkPolicyLimits(policy);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return (error as PolicyError).message;
  }
  throw new Error('expected the policy to be refused');
}

describe('policy size limits', () => {
  it('accept a realistic policy, with annotations and a regexp alternation of a dozen repositories', () => {
    const repos = Array.from({ length: 12 }, (_, i) => `acme/service-${i}`).join('|');
    const policy = {
      certificateIdentityRegexp: `^https://github\\.com/(${repos})/\\.github/workflows/release\\.yml@refs/tags/v[0-9]+\\.[0-9]+\\.[0-9]+$`,
      certificateOidcIssuer: ISSUER,
      githubWorkflowRepository: 'acme/app',
      annotations: [{ key: 'env', value: 'prod' }],
    };
    expect(() => checkPolicyLimits(policy)).not.toThrow();
    expect(() => compilePolicy(policy)).not.toThrow();
  });

  it.each([
    [
      'a regexp longer than 1024 characters',
      { certificateIdentityRegexp: 'a|'.repeat(600), certificateOidcIssuer: ISSUER },
      'certificateIdentityRegexp is 1200 characters long; at most 1024 are accepted',
    ],
    [
      'a short regexp whose repeats expand past 1000 instructions',
      { certificateIdentity: SAN, certificateOidcIssuerRegexp: '\\pL{600}\\pN{600}' },
      'certificateOidcIssuerRegexp is too large a regular expression: about 1204 RE2 instructions once its repeats are expanded; at most 1000 are accepted',
    ],
    [
      'an identity longer than 4096 characters',
      { certificateIdentity: 'x'.repeat(5000), certificateOidcIssuer: ISSUER },
      'certificateIdentity is 5000 characters long; at most 4096 are accepted',
    ],
    [
      'a key larger than 16 KiB',
      { key: 'k'.repeat(20_000) },
      'key is 20000 characters long; at most 16384 are accepted',
    ],
    [
      'more than 64 annotations',
      {
        certificateIdentity: SAN,
        certificateOidcIssuer: ISSUER,
        annotations: Array(65).fill({ key: 'k', value: 'v' }),
      },
      'annotations has 65 entries; at most 64 are accepted',
    ],
    [
      'an annotation value longer than 4096 characters',
      {
        certificateIdentity: SAN,
        certificateOidcIssuer: ISSUER,
        annotations: [{ key: 'k', value: 'v'.repeat(4097) }],
      },
      'annotations[0].value is 4097 characters long; at most 4096 are accepted',
    ],
    [
      'strings over 32 KiB in all',
      {
        certificateIdentity: SAN,
        certificateOidcIssuer: ISSUER,
        annotations: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: 'v'.repeat(4000) })),
      },
      `policy is ${SAN.length + ISSUER.length + 10 * 4002} characters long in all; at most 32768 are accepted`,
    ],
  ])('refuse %s, naming the field and the cap', (_case, policy, message) => {
    expect(refusal(policy)).toBe(message);
  });

  it('refuse regexps that are each within the caps but too large together', () => {
    const policy = {
      certificateIdentityRegexp: 'a{990}',
      certificateOidcIssuerRegexp: 'b{990}',
      buildConfigUriRegexp: 'c{990}',
      buildSignerUriRegexp: 'd{990}',
      tokenSubjectRegexp: 'e{990}',
    };
    expect(refusal(policy)).toBe(
      'the regular expressions of this policy are too large together: about 4960 RE2 instructions; at most 4000 are accepted',
    );
  });

  it('are checked by compilePolicy before any regexp is compiled', () => {
    const before = compiledRegexpMemo().entries;
    const huge = Array(40_000).fill('repo-x').join('|'); // the issue's 0.5 MB alternation, scaled
    expect(() => compilePolicy({ certificateIdentityRegexp: huge, certificateOidcIssuer: ISSUER })).toThrow(
      /at most 1024 are accepted/,
    );
    expect(compiledRegexpMemo().entries).toBe(before);
  });

  it('cap every string field, including ones Policy gains later', () => {
    expect(refusal({ someFutureClaim: 'x'.repeat(POLICY_LIMITS.maxStringLength + 1) })).toMatch(
      /^someFutureClaim is 4097 characters long/,
    );
    expect(refusal({ someFutureRegexp: 'a{999}b{999}' })).toMatch(/^someFutureRegexp is too large/);
    expect(refusal({ someFutureList: ['ok', 'x'.repeat(4097)] })).toBe(
      'someFutureList[1] is 4097 characters long; at most 4096 are accepted',
    );
  });
});

describe('estimateRegexpSize', () => {
  it.each([
    'a',
    'a|b|c',
    '^https://github\\.com/acme/[^/]+/\\.github/workflows/release\\.yml@refs/tags/v.*$',
    'a{1000}',
    '\\pL{1000}',
    '(a{10}){100}',
    '(?:ab|cd){5,10}',
    'x{3,}',
    '(?i)foo(?P<n>bar)+?',
    '[[:alpha:]]{50}',
    '[\\]a]{20}',
    '\\Qa.b.c\\E{3}',
    '(a|b|c)*d?',
    Array.from({ length: 10 }, (_, i) => `https://github.com/org${i}/repo${i}/x.yml@refs/heads/main`).join(
      '|',
    ),
  ])('is at least what re2js compiles %j into', (pattern) => {
    expect(estimateRegexpSize(pattern)).toBeGreaterThanOrEqual(compiledSize(pattern));
  });
});

describe('the compiled-regexp memo', () => {
  it('stays within its byte bound however many distinct large patterns arrive', () => {
    // Each is just under the instruction cap (~100 KB compiled); 120 of them would hold ~12 MB.
    for (let i = 0; i < 120; i++) compilePolicyRegexp(`a{990}${i}`, 'certificateIdentityRegexp');
    const memo = compiledRegexpMemo();
    expect(memo.bytes).toBeLessThanOrEqual(COMPILED_REGEXP_MEMO_MAX_BYTES);
    expect(memo.entries).toBeLessThan(120);
    // Still a memo: the most recent pattern is kept.
    expect(compilePolicyRegexp('a{990}119', 'f').test('a'.repeat(990) + '119')).toBe(true);
  });
});
