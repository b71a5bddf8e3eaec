import { exampleTabs, type ExampleTab } from '../../src/graphiql/index.js';
import { attestationTabs } from './attestation-tabs.js';
import { GITHUB_ISSUER, PUBLISHER, type DemoWorld } from './world.js';

/**
 * The three queries the demo prints, ready to paste into GraphiQL: arguments are written inline (no
 * variables pane to fill in), and each names its operation so the printed text can be found again —
 * by a reader scrolling back, and by the demo's own test, which runs the printed text verbatim.
 */
export interface DemoQuery {
  /** Operation name, e.g. `VerifyIndex`. */
  readonly name: string;
  /** One line saying what to expect, printed above the query. */
  readonly expect: string;
  /** The status the demo's self-check requires before it prints anything. */
  readonly expectedStatus: 'VERIFIED' | 'UNSIGNED' | 'FAILED';
  readonly text: string;
}

/** The identity cosign users would pass as `--certificate-identity-regexp` / `--certificate-oidc-issuer`. */
function policyLiteral(issuer: string): string {
  return `{ certificateIdentityRegexp: ${JSON.stringify(PUBLISHER.identityRegexp)}, certificateOidcIssuer: ${JSON.stringify(issuer)} }`;
}

function operation(name: string, ref: string, issuer: string): string {
  // GraphQL string literals accept JSON's escaping, so JSON.stringify quotes references safely.
  return `query ${name} {
  image(ref: ${JSON.stringify(ref)}) {
    digest
    verification(policy: ${policyLiteral(issuer)}) {
      status
      verified
      hint
      errors { code message }
      signatures {
        verified
        signature { format }
        identity { subjectAlternativeName issuer githubWorkflowRepository }
      }
    }
  }
}`;
}

export function demoQueries(world: DemoWorld): readonly DemoQuery[] {
  return [
    {
      name: 'VerifyIndex',
      expect: 'the multi-platform index, signed as .sig tag AND bundle referrer → VERIFIED, two signatures',
      expectedStatus: 'VERIFIED',
      text: operation('VerifyIndex', world.indexRef, GITHUB_ISSUER),
    },
    {
      name: 'VerifyPlatformDigest',
      expect:
        'one platform digest on its own → UNSIGNED ("no signatures found", as cosign), with a hint naming the index',
      expectedStatus: 'UNSIGNED',
      text: operation('VerifyPlatformDigest', world.platformRef, GITHUB_ISSUER),
    },
    {
      name: 'WrongIssuer',
      expect: 'the right image, the wrong issuer → FAILED: expected issuer value "…", got "…"',
      expectedStatus: 'FAILED',
      text: operation('WrongIssuer', world.indexRef, 'https://accounts.google.com'),
    },
  ];
}

/**
 * A `curl` for one query. The body is JSON inside single quotes: JSON.stringify never emits a single
 * quote for these ASCII queries, so no shell escaping is needed (asserted, not assumed).
 */
export function curlCommand(graphqlUrl: string, query: DemoQuery): string {
  const compact = query.text.replace(/\s+/g, ' ');
  const body = JSON.stringify({ query: compact });
  if (body.includes("'")) throw new Error(`query ${query.name} cannot be single-quoted for the shell`);
  return `curl -s ${graphqlUrl} -H 'content-type: application/json' -d '${body}'`;
}

/**
 * GraphiQL's preloaded tabs for the demo world: the walkthrough's five outcomes about these images,
 * then its attestations (provenance, SBOM, VEX, CEL conditions; attestation-tabs.ts).
 */
export function demoExampleTabs(world: DemoWorld): readonly ExampleTab[] {
  const walkthrough = exampleTabs({
    indexRef: world.indexRef,
    platformRef: world.platformRef,
    platform: world.platform,
    identityRegexp: PUBLISHER.identityRegexp,
    // One letter off, the mistake the walkthrough's WrongIdentity tab shows (triv for trivy).
    wrongIdentityRegexp: '^https://github.com/acme/widgets/',
    issuer: GITHUB_ISSUER,
    wrongIssuer: 'https://accounts.google.com',
  });
  return [...walkthrough, ...attestationTabs(world)];
}
