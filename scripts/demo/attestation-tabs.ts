import type { ExampleTab } from '../../src/graphiql/index.js';
import { GITHUB_ISSUER, PUBLISHER, type DemoWorld } from './world.js';

/**
 * GraphiQL's attestation tabs for the demo world: who built the index (provenance), what is inside one
 * platform (SBOM), what the publisher says about advisories (OpenVEX), and policy conditions on the
 * provenance's content (CEL), one that holds and one that does not. Each answers as its first comment
 * line says; test/integration/demo/demo.test.ts runs them as served and checks that answer.
 */

/** The index's signed SLSA provenance, verified like `cosign verify-attestation --type slsaprovenance1`. */
export const PROVENANCE_OF_INDEX = `# The signed SLSA provenance of the index: who built it, from which source; VERIFIED.
# Edit the variables below (image and policy); policy fields are cosign's verify-attestation flags.
query ProvenanceOfIndex($ref: String!, $policy: PolicyInput!) {
  image(ref: $ref) {
    digest
    attestationVerification(policy: $policy, predicateType: "slsaprovenance1") {
      verified
      status
      errors { code message }
      attestations {
        verified
        identity { subjectAlternativeName issuer }
        attestation {
          provenance { builderId buildType sourceRepository sourceRef sourceDigest workflow trigger invocationId }
        }
      }
    }
  }
}
`;

/** One platform's SBOM, reached through the index as PlatformViaIndex reaches its signature. */
export const SBOM_OF_PLATFORM = `# The signed SPDX SBOM of one platform (npm's own output, 72 packages): VERIFIED, then its components.
# nameContains filters by name (null: all); for the next page pass endCursor as "after".
query SbomOfPlatform($ref: String!, $platform: String!, $policy: PolicyInput!, $nameContains: String, $first: Int! = 10, $after: String) {
  image(ref: $ref) {
    platform(platform: $platform) {
      digest
      attestationVerification(policy: $policy, predicateType: "spdxjson") {
        verified
        status
        errors { code message }
      }
      attestations(predicateType: "spdxjson") {
        source
        sbom {
          format
          specVersion
          componentCount
          components(first: $first, nameContains: $nameContains, after: $after) {
            totalCount
            items { name version purl licenses }
            endCursor
            hasNextPage
          }
        }
      }
    }
  }
}
`;

/** The index's OpenVEX document: a statement per status the spec defines. */
export const VEX_OF_INDEX = `# The signed OpenVEX document of the index: per advisory, affected or not, and why; VERIFIED.
query VexOfIndex($ref: String!, $policy: PolicyInput!) {
  image(ref: $ref) {
    attestationVerification(policy: $policy, predicateType: "openvex") {
      verified
      status
      errors { code message }
    }
    attestations(predicateType: "openvex") {
      source
      openVex {
        author
        statementCount
        statements {
          vulnerability
          aliases
          status
          justification
          impactStatement
          actionStatement
          products { id subcomponents }
        }
      }
    }
  }
}
`;

const CEL_DESCRIPTIONS = {
  CelConditionPasses:
    'CEL conditions over the signed provenance that hold (built from a v* tag, by acme/widget): VERIFIED.',
  CelConditionFails:
    'A CEL condition that does not hold (built from main? no, from a tag): FAILED, CONDITION_FAILED names it.',
} as const;

/** Provenance verified under extra CEL conditions; both CEL tabs run it, with different conditions. */
export function celConditionOperation(name: keyof typeof CEL_DESCRIPTIONS): string {
  return `# ${CEL_DESCRIPTIONS[name]}
# Edit "conditions" below: variables statement, predicate, predicateType, subject (docs/attestations.md).
query ${name}($ref: String!, $policy: PolicyInput!, $conditions: [String!]) {
  image(ref: $ref) {
    attestationVerification(policy: $policy, predicateType: "slsaprovenance1", conditions: $conditions) {
      verified
      status
      errors { code message }
      attestations {
        verified
        errors { code message }
        attestation { provenance { sourceRef builderId } }
      }
    }
  }
}
`;
}

/** Holds for the demo's provenance: its workflow ran for tag v1.2.3 of acme/widget. */
export const PASSING_CONDITIONS = [
  'predicate.buildDefinition.externalParameters.workflow.ref.startsWith("refs/tags/v")',
  'predicate.runDetails.builder.id.startsWith("https://github.com/acme/widget/")',
] as const;

/** The issue's "only images built from main": false for a tag build; the second one still holds. */
export const FAILING_CONDITIONS = [
  'predicate.buildDefinition.externalParameters.workflow.ref == "refs/heads/main"',
  'predicate.runDetails.builder.id.startsWith("https://github.com/acme/widget/")',
] as const;

/**
 * The status each attestation tab answers with. The demo runs the tabs before printing its guide and
 * stops if one answers otherwise (kept beside the tabs, not in them: the tabs are served as they are).
 */
export const ATTESTATION_TAB_STATUS: Readonly<Record<string, 'VERIFIED' | 'FAILED'>> = {
  ProvenanceOfIndex: 'VERIFIED',
  SbomOfPlatform: 'VERIFIED',
  VexOfIndex: 'VERIFIED',
  CelConditionPasses: 'VERIFIED',
  CelConditionFails: 'FAILED',
};

/** The attestation tabs, after the walkthrough's: provenance, SBOM, VEX, then the two CEL tabs. */
export function attestationTabs(world: DemoWorld): readonly ExampleTab[] {
  const policy = {
    certificateIdentityRegexp: PUBLISHER.identityRegexp,
    certificateOidcIssuer: GITHUB_ISSUER,
  };
  const ref = world.indexRef;
  return [
    { title: 'ProvenanceOfIndex', query: PROVENANCE_OF_INDEX, variables: { ref, policy } },
    {
      title: 'SbomOfPlatform',
      query: SBOM_OF_PLATFORM,
      variables: { ref, platform: world.platform, policy, nameContains: 'cookie' },
    },
    { title: 'VexOfIndex', query: VEX_OF_INDEX, variables: { ref, policy } },
    {
      title: 'CelConditionPasses',
      query: celConditionOperation('CelConditionPasses'),
      variables: { ref, policy, conditions: PASSING_CONDITIONS },
    },
    {
      title: 'CelConditionFails',
      query: celConditionOperation('CelConditionFails'),
      variables: { ref, policy, conditions: FAILING_CONDITIONS },
    },
  ];
}
