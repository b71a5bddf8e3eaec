import { curlCommand, type DemoQuery } from './queries.js';
import { PUBLISHER, STRANGER_SAN, type DemoWorld } from './world.js';

/** Everything the guide shows; plain data so the text can be built (and read) in one place. */
export interface GuideInput {
  readonly serviceUrl: string;
  readonly registryUrl: string;
  readonly trustedRootPath: string;
  readonly tempDirs: readonly string[];
  readonly world: DemoWorld;
  readonly queries: readonly DemoQuery[];
}

/**
 * The text printed once the demo world is up. Queries are printed flush left, each ending with a `}`
 * alone on its line, so they can be copied whole (and found again by the demo's test).
 */
export function guideText(input: GuideInput): string {
  const graphqlUrl = `${input.serviceUrl}/graphql`;
  const first = input.queries[0];
  const lines = [
    '',
    'imprimatur demo is running — Ctrl-C stops everything and removes the temporary files.',
    '',
    `  GraphiQL     ${graphqlUrl}   (open in a browser)`,
    `  Trust view   ${input.serviceUrl}/trust?${new URLSearchParams({ image: input.world.indexTag, policy: JSON.stringify({ certificateIdentityRegexp: PUBLISHER.identityRegexp, certificateOidcIssuer: 'https://token.actions.githubusercontent.com' }) }).toString()}`,
    `  Health       ${input.serviceUrl}/healthz`,
    `  Registry     ${input.registryUrl}   (Debian docker-registry, plain HTTP, loopback only)`,
    `  Trust root   ${input.trustedRootPath}   (a private test Sigstore, NOT the public-good one)`,
    `  Temp dirs    ${input.tempDirs.join(', ')}`,
    '',
    'The world:',
    `  ${input.world.indexTag}  multi-platform index (4 platforms), signed twice by`,
    `      ${PUBLISHER.san}`,
    '      issuer https://token.actions.githubusercontent.com: a legacy .sig tag and a bundle referrer;',
    '      with signed attestations by the same workflow: SLSA provenance and OpenVEX (bundle referrers)',
    `  ${input.world.platformRef}`,
    `      its ${input.world.platform} manifest: listed by the signed index, no signature of its own;`,
    '      a signed SPDX SBOM of its 72 npm packages (a cosign .att tag)',
    `  ${input.world.unsignedRef}  nobody signed it`,
    `  ${input.world.strangerRef}  signed, by someone else: ${STRANGER_SAN}`,
    '',
    'GraphiQL opens with a tab per outcome about this world, then tabs for its attestations: provenance,',
    'SBOM components, VEX statements, and CEL conditions on the provenance (one holds, one fails).',
    'The queries the demo ran, to paste (swap in the other references to see them judged too):',
  ];
  input.queries.forEach((query, i) => {
    lines.push('', `# ${i + 1}. ${query.name}: ${query.expect}`, query.text);
  });
  if (first !== undefined) {
    lines.push('', `# The same as query 1 with curl:`, curlCommand(graphqlUrl, first));
  }
  lines.push('');
  return lines.join('\n');
}
