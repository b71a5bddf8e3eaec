import { describe, expect, it } from 'vitest';
import { parseNextLink } from './link-header.js';

describe('parseNextLink', () => {
  it('finds the rel="next" target', () => {
    expect(parseNextLink('</v2/a/referrers/sha256:1?n=10&last=x>; rel="next"')).toBe(
      '/v2/a/referrers/sha256:1?n=10&last=x',
    );
  });

  it('picks next among several links and accepts an unquoted rel', () => {
    expect(parseNextLink('<https://a/prev>; rel="prev", <https://a/next>; rel=next')).toBe('https://a/next');
  });

  it('returns undefined without a next link or for junk', () => {
    for (const v of [undefined, '', '<https://a/prev>; rel="prev"', 'garbage', '<unterminated; rel="next"']) {
      expect(parseNextLink(v)).toBeUndefined();
    }
  });
});
