import { describe, expect, it } from 'vitest';
import { assertWellFormedXml } from '../../test/support/well-formed-xml.js';
import { BADGE_LOOKS, badgeSvg, escapeXml } from './badge-svg.js';

describe('the SVG badge', () => {
  it.each(Object.entries(BADGE_LOOKS))(
    '%s reads "%s" in its colour, in a well-formed SVG',
    (_status, look) => {
      const svg = badgeSvg('imprimatur', look.message, look.color);
      assertWellFormedXml(svg);
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="20"/);
      expect(svg).toContain(`>${look.message}</text>`);
      expect(svg).toContain(`fill="${look.color}"`);
      expect(svg).toContain('<title>imprimatur: ');
    },
  );

  it('escapes every text it draws, so a hostile title cannot add markup', () => {
    const svg = badgeSvg('imprimatur', 'verified', '#4c1', `x</title><script>alert(1)</script>&"'`);
    assertWellFormedXml(svg);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('x&#60;/title&#62;&#60;script&#62;alert(1)&#60;/script&#62;&#38;&#34;&#39;');
    expect(escapeXml('<&>"\'')).toBe('&#60;&#38;&#62;&#34;&#39;');
  });

  it('grows with its text, so longer messages are not clipped', () => {
    const width = (svg: string) => Number(/width="(\d+)"/.exec(svg)?.[1]);
    expect(width(badgeSvg('imprimatur', 'via index', '#97ca00'))).toBeGreaterThan(
      width(badgeSvg('imprimatur', 'failed', '#e05d44')),
    );
  });
});
