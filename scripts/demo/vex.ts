/**
 * The demo's OpenVEX document (https://github.com/openvex/spec, v0.2.0): what the made-up publisher
 * of `acme/widget` says about advisories published against packages its SBOM lists
 * (scripts/demo/widget/sbom.spdx.json, express 4.19.2's tree). One statement per status the spec
 * defines, so the VexOfIndex tab shows each. The advisories, affected ranges and fixed versions are
 * real; the impact and action statements are the made-up publisher's.
 */
export const OPENVEX_PREDICATE_TYPE = 'https://openvex.dev/ns';

/** The product every statement is about: the index, as a purl (`pkg:oci`, digest percent-encoded). */
export function indexPurl(host: string, repository: string, indexDigest: string): string {
  const name = repository.slice(repository.lastIndexOf('/') + 1);
  return `pkg:oci/${name}@${indexDigest.replace(':', '%3A')}?repository_url=${host}/${repository}`;
}

export function demoVex(product: string, issuedAt: Date): unknown {
  const timestamp = issuedAt.toISOString();
  const about = (npmPurl: string) => [{ '@id': product, subcomponents: [{ '@id': npmPurl }] }];
  return {
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': 'https://github.com/acme/widget/security/vex/v1.2.3',
    author: 'acme/widget maintainers',
    timestamp,
    version: 1,
    statements: [
      {
        vulnerability: { name: 'CVE-2024-47764', aliases: ['GHSA-pxg6-pf52-xh8x'] },
        products: about('pkg:npm/cookie@0.6.0'),
        status: 'not_affected',
        justification: 'vulnerable_code_cannot_be_controlled_by_adversary',
        impact_statement:
          'widget sets cookies only with names, paths and domains fixed in its code; no request data reaches cookie.serialize.',
      },
      {
        vulnerability: { name: 'CVE-2024-45296', aliases: ['GHSA-9wv6-86v2-598j'] },
        products: about('pkg:npm/path-to-regexp@0.1.7'),
        status: 'affected',
        action_statement:
          'Rebuild with express 4.20.0 or later (path-to-regexp 0.1.10); until then, do not expose routes with two parameters in one segment.',
      },
      {
        vulnerability: { name: 'CVE-2022-24999', aliases: ['GHSA-hrpp-h998-j3pp'] },
        products: about('pkg:npm/qs@6.11.0'),
        // Fixed in qs 6.10.3 (and backports); the image has 6.11.0.
        status: 'fixed',
      },
      {
        vulnerability: { name: 'CVE-2024-43796', aliases: ['GHSA-qw6h-vgh9-j6wx'] },
        products: about('pkg:npm/express@4.19.2'),
        status: 'under_investigation',
      },
    ],
  };
}
