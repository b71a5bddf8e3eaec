import type { VerificationStatus } from '../verification/types.js';

/**
 * A status badge in the shields.io "flat" style (the look READMEs and portals already show), drawn
 * here rather than fetched: the service runs air-gapped and answers from its own verdicts.
 */

/** What each status reads as, and its colour (shields.io's brightgreen, green, yellow and red). */
export const BADGE_LOOKS: Readonly<Record<VerificationStatus, { message: string; color: string }>> = {
  VERIFIED: { message: 'verified', color: '#4c1' },
  VERIFIED_VIA_INDEX: { message: 'via index', color: '#97ca00' },
  UNSIGNED: { message: 'unsigned', color: '#dfb317' },
  FAILED: { message: 'failed', color: '#e05d44' },
};

/** The left-hand labels a caller may choose; fixed, so a badge never carries a caller's text. */
export const BADGE_LABELS = ['imprimatur', 'signature'] as const;
export type BadgeLabel = (typeof BADGE_LABELS)[number];

/**
 * Text width in pixels at Verdana 11px, estimated per character class (shields.io measures real
 * glyph widths; a few pixels of padding difference is invisible, and no font file is needed).
 */
function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    if ("ijlt.,:;|!'I ".includes(ch)) width += 3.8;
    else if ('mwMW'.includes(ch)) width += 9.9;
    else if (ch >= 'A' && ch <= 'Z') width += 7.5;
    else width += 6.6;
  }
  return Math.ceil(width);
}

/** XML text and attribute escaping: every badge text is escaped, whatever it is. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * The SVG document for `label` | `message` on `color`; `title` (default `label: message`) is what
 * screen readers and hover tooltips show, e.g. with the image reference.
 */
export function badgeSvg(
  label: string,
  message: string,
  color: string,
  title = `${label}: ${message}`,
): string {
  const labelWidth = textWidth(label) + 10;
  const messageWidth = textWidth(message) + 10;
  const width = labelWidth + messageWidth;
  const l = escapeXml(label);
  const m = escapeXml(message);
  const c = escapeXml(color);
  const t = escapeXml(title);
  const lx = labelWidth / 2;
  const mx = labelWidth + messageWidth / 2;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${t}">` +
    `<title>${t}</title>` +
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>` +
    `<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>` +
    `<g clip-path="url(#r)"><rect width="${labelWidth}" height="20" fill="#555"/>` +
    `<rect x="${labelWidth}" width="${messageWidth}" height="20" fill="${c}"/>` +
    `<rect width="${width}" height="20" fill="url(#s)"/></g>` +
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">` +
    `<text x="${lx}" y="15" fill="#010101" fill-opacity=".3">${l}</text><text x="${lx}" y="14">${l}</text>` +
    `<text x="${mx}" y="15" fill="#010101" fill-opacity=".3">${m}</text><text x="${mx}" y="14">${m}</text>` +
    `</g></svg>`
  );
}
