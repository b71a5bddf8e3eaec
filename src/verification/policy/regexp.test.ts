import { describe, expect, it } from 'vitest';
import { PolicyError } from '../errors.js';
import { compilePolicyRegexp } from './regexp.js';

describe('compilePolicyRegexp', () => {
  describe('matching, like Go regexp.MatchString in cosign', () => {
    it('finds the pattern anywhere in the value (unanchored)', () => {
      const re = compilePolicyRegexp('acme/app', 'certificateIdentityRegexp');
      expect(re.test('https://github.com/acme/app-evil/.github/workflows/x.yml@refs/heads/main')).toBe(true);
    });

    it('matches the whole value only when the user anchors with ^ and $', () => {
      const re = compilePolicyRegexp('^https://github\\.com/acme/app/', 'certificateIdentityRegexp');
      expect(re.test('https://github.com/acme/app/.github/workflows/x.yml')).toBe(true);
      expect(re.test('https://github.com/acme/app-evil/.github/workflows/x.yml')).toBe(false);
      expect(re.test('https://evil.example/https://github.com/acme/app/')).toBe(false);
    });

    it('is case-sensitive unless the pattern says (?i)', () => {
      expect(compilePolicyRegexp('ACME', 'f').test('acme')).toBe(false);
      expect(compilePolicyRegexp('(?i)ACME', 'f').test('acme')).toBe(true);
    });

    it('stays linear on inputs that make backtracking engines explode', () => {
      const re = compilePolicyRegexp('^(a+)+$', 'f');
      const started = performance.now();
      expect(re.test('a'.repeat(5000) + '!')).toBe(false);
      expect(performance.now() - started).toBeLessThan(1000);
    });
  });

  describe('when the pattern uses syntax RE2 does not have', () => {
    it.each([
      ['a backreference', '(a)\\1'],
      ['a lookahead', 'foo(?=bar)'],
      ['a negative lookahead', 'foo(?!bar)'],
      ['a lookbehind', '(?<=foo)bar'],
      ['an unclosed class', '[a-z'],
    ])('rejects %s with a PolicyError naming the field', (_name, pattern) => {
      const compile = () => compilePolicyRegexp(pattern, 'certificateIdentityRegexp');
      expect(compile).toThrowError(PolicyError);
      expect(compile).toThrowError(/certificateIdentityRegexp is not a valid RE2 regular expression/);
    });

    it('uses the INVALID_POLICY code', () => {
      try {
        compilePolicyRegexp('(a)\\1', 'f');
        expect.unreachable('compilation should fail');
      } catch (error) {
        expect((error as PolicyError).code).toBe('INVALID_POLICY');
      }
    });
  });
});
