import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestRegistry, type TestRegistry } from '../../support/registry/index.js';
import {
  startTestService,
  type GraphQLReply,
  type TestService,
  type TestServiceOptions,
} from '../../support/service.js';
import { createTestSigstore, type TestSigstore } from '../../support/sigstore/index.js';

/**
 * Shared setup of the end-to-end verification suites: one real registry, one test Sigstore instance
 * and the real service trusting exactly that instance (its `trusted_root.json` written to a temporary
 * directory and loaded through `verification.trustedRootPath`, as an operator would configure it).
 */
export interface VerifyGraphHarness {
  readonly registry: TestRegistry;
  readonly sigstore: TestSigstore;
  readonly service: TestService;
  /** `{ url }` of the registry, for the push helpers. */
  readonly target: { readonly url: string };
  /**
   * Starts one more service over the same registry and trust root (e.g. one that has seen nothing
   * yet), with `registryConfig` over the test defaults (e.g. a smaller attestation cap).
   */
  startService(registryConfig?: TestServiceOptions['registryConfig']): Promise<TestService>;
  stop(): Promise<void>;
}

export async function startHarness(): Promise<VerifyGraphHarness> {
  const registry = await startTestRegistry();
  const sigstore = createTestSigstore();
  const dir = await mkdtemp(join(tmpdir(), 'imprimatur-verify-graph-'));
  const trustedRootPath = await sigstore.writeTrustedRoot(dir);
  const extra: TestService[] = [];
  const startService = async (
    registryConfig?: TestServiceOptions['registryConfig'],
  ): Promise<TestService> => {
    const service = await startTestService({
      insecureRegistries: [registry.host],
      registryConfig,
      config: { verification: { trustedRootPath, maxSignaturesPerDigest: 1000 } },
    });
    extra.push(service);
    return service;
  };
  const service = await startService();
  return {
    registry,
    sigstore,
    service,
    target: { url: registry.url },
    startService,
    async stop() {
      for (const s of extra) await s.stop();
      await registry.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Everything the schema says about one verification, for assertions on any part of it. */
export const VERIFICATION_FIELDS = `
  digest verified status inheritedFrom hint
  errors { code message }
  signatures {
    verified
    errors { code message }
    identity { subjectAlternativeName issuer githubWorkflowRepository githubWorkflowRef }
    signature { format digest dockerReference dockerManifestDigest payloadType annotations }
  }`;

export interface VerificationIssueReply {
  readonly code: string;
  readonly message: string;
}

export interface SignatureVerificationReply {
  readonly verified: boolean;
  readonly errors: readonly VerificationIssueReply[];
  readonly identity: {
    readonly subjectAlternativeName: string | null;
    readonly issuer: string | null;
    readonly githubWorkflowRepository: string | null;
    readonly githubWorkflowRef: string | null;
  } | null;
  readonly signature: {
    readonly format: 'SIMPLE_SIGNING' | 'SIGSTORE_BUNDLE';
    readonly digest: string | null;
    readonly dockerReference: string | null;
    readonly dockerManifestDigest: string;
    readonly payloadType: string | null;
    readonly annotations: unknown;
  } | null;
}

export interface VerificationReply {
  readonly digest: string;
  readonly verified: boolean;
  readonly status: 'VERIFIED' | 'VERIFIED_VIA_INDEX' | 'UNSIGNED' | 'FAILED';
  readonly inheritedFrom: string | null;
  readonly hint: string | null;
  readonly errors: readonly VerificationIssueReply[];
  readonly signatures: readonly SignatureVerificationReply[];
}

/** A policy as the GraphQL `PolicyInput` takes it (the flags of `cosign verify`). */
export type PolicyVariables = Readonly<Record<string, unknown>>;

/** `image(ref) { verification(policy) }` over HTTP; the raw reply, for tests that look at errors. */
export function queryVerification(
  service: TestService,
  ref: string,
  policy: PolicyVariables,
): Promise<GraphQLReply<{ image: { verification: VerificationReply } }>> {
  return service.graphql<{ image: { verification: VerificationReply } }>(
    `query($ref: String!, $policy: PolicyInput!) {
       image(ref: $ref) { verification(policy: $policy) { ${VERIFICATION_FIELDS} } }
     }`,
    { ref, policy },
  );
}

/** {@link queryVerification} that insists on a clean answer (HTTP 200, no GraphQL errors). */
export async function verifyOverGraphQL(
  service: TestService,
  ref: string,
  policy: PolicyVariables,
): Promise<VerificationReply> {
  const reply = await queryVerification(service, ref, policy);
  if (reply.status !== 200 || reply.errors !== undefined || reply.data == null) {
    throw new Error(`verification query failed: HTTP ${reply.status} ${JSON.stringify(reply.errors)}`);
  }
  return reply.data.image.verification;
}

/** Every error code of every signature entry, for "which check rejected it" assertions. */
export function signatureCodes(verification: VerificationReply): string[] {
  return verification.signatures.flatMap((s) => s.errors.map((e) => e.code));
}
