import type { TestService } from '../../support/service.js';

/** GraphQL selections and reply shapes shared by the attestation suites. */
export const ATTESTATION_FIELDS = `
  source digest predicateType statementType payloadType signed statementSize statement
  subjects { name digest }
  certificate { subjectAlternativeName issuer }
  transparencyLog { kind kindVersion }
  timestamps { kind }`;

export const ATTESTATION_VERIFICATION_FIELDS = `
  digest predicateType verified status inheritedFrom trustRoot { name id }
  errors { code message }
  attestations {
    verified
    trustRoot { name id }
    errors { code message }
    identity { subjectAlternativeName issuer }
    attestation { source predicateType signed }
  }`;

export interface AttestationReply {
  readonly source: 'LEGACY_TAG' | 'BUNDLE_REFERRER' | 'BUILDKIT';
  readonly digest: string;
  readonly predicateType: string | null;
  readonly statementType: string | null;
  readonly payloadType: string | null;
  readonly signed: boolean;
  readonly statementSize: number;
  readonly statement: unknown;
  readonly subjects: readonly { readonly name: string | null; readonly digest: Record<string, string> }[];
  readonly certificate: {
    readonly subjectAlternativeName: string | null;
    readonly issuer: string | null;
  } | null;
  readonly transparencyLog: { readonly kind: string | null; readonly kindVersion: string | null } | null;
  readonly timestamps: readonly { readonly kind: string }[];
}

export interface IssueReply {
  readonly code: string;
  readonly message: string;
}

export interface AttestationVerificationReply {
  readonly digest: string;
  readonly predicateType: string;
  readonly verified: boolean;
  readonly status: 'VERIFIED' | 'VERIFIED_VIA_INDEX' | 'UNSIGNED' | 'FAILED';
  readonly inheritedFrom: string | null;
  readonly trustRoot: { readonly name: string; readonly id: string } | null;
  readonly errors: readonly IssueReply[];
  readonly attestations: readonly {
    readonly verified: boolean;
    readonly trustRoot: { readonly name: string; readonly id: string } | null;
    readonly errors: readonly IssueReply[];
    readonly identity: {
      readonly subjectAlternativeName: string | null;
      readonly issuer: string | null;
    } | null;
    readonly attestation: {
      readonly source: string;
      readonly predicateType: string | null;
      readonly signed: boolean;
    } | null;
  }[];
}

async function ask<T>(service: TestService, query: string, variables: Record<string, unknown>): Promise<T> {
  const reply = await service.graphql<T>(query, variables);
  if (reply.status !== 200 || reply.errors !== undefined || reply.data == null) {
    throw new Error(`attestation query failed: HTTP ${reply.status} ${JSON.stringify(reply.errors)}`);
  }
  return reply.data;
}

/** `image(ref) { attestations(predicateType) }`. */
export async function attestationsOf(
  service: TestService,
  ref: string,
  predicateType?: string,
): Promise<readonly AttestationReply[]> {
  const data = await ask<{ image: { attestations: AttestationReply[] } }>(
    service,
    `query($ref: String!, $type: String) { image(ref: $ref) { attestations(predicateType: $type) { ${ATTESTATION_FIELDS} } } }`,
    { ref, type: predicateType ?? null },
  );
  return data.image.attestations;
}

/** `image(ref) { attestationVerification(policy, predicateType) }`. */
export async function verifyAttestation(
  service: TestService,
  ref: string,
  policy: Record<string, unknown>,
  predicateType: string,
): Promise<AttestationVerificationReply> {
  const data = await ask<{ image: { attestationVerification: AttestationVerificationReply } }>(
    service,
    `query($ref: String!, $policy: PolicyInput!, $type: String!) {
       image(ref: $ref) { attestationVerification(policy: $policy, predicateType: $type) { ${ATTESTATION_VERIFICATION_FIELDS} } }
     }`,
    { ref, policy, type: predicateType },
  );
  return data.image.attestationVerification;
}

/** One platform of an index: its attestations and one attestation verification. */
export async function platformAttestations(
  service: TestService,
  ref: string,
  platform: string,
  policy: Record<string, unknown>,
  predicateType: string,
): Promise<{
  attestations: readonly AttestationReply[];
  attestationVerification: AttestationVerificationReply;
}> {
  const data = await ask<{
    image: {
      platform: { attestations: AttestationReply[]; attestationVerification: AttestationVerificationReply };
    };
  }>(
    service,
    `query($ref: String!, $platform: String!, $policy: PolicyInput!, $type: String!) {
       image(ref: $ref) { platform(platform: $platform) {
         attestations { ${ATTESTATION_FIELDS} }
         attestationVerification(policy: $policy, predicateType: $type) { ${ATTESTATION_VERIFICATION_FIELDS} }
       } }
     }`,
    { ref, platform, policy, type: predicateType },
  );
  return data.image.platform;
}
