import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { expect } from 'vitest';
import type { Config } from '../../../src/config/index.js';
import { createServer } from '../../../src/server.js';
import {
  buildImage,
  pushImage,
  startTestRegistry,
  type BuiltImage,
  type TestRegistry,
} from '../../support/registry/index.js';
import { testConfig, type GraphQLReply, type GraphQLReplyError } from '../../support/service.js';
import {
  createTestSigstore,
  pushLegacySignatures,
  type LegacySignatureArtifact,
  type TestSigstore,
} from '../../support/sigstore/index.js';
import { VERIFICATION_FIELDS, type VerificationReply } from '../verify-graph/harness.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';

/**
 * A signed world behind a {@link FaultProxy}: a real docker-registry holding images signed by a
 * private Sigstore (legacy `.sig` tags, as `cosign sign` without bundles writes them), the proxy in
 * front of it, and the trust root on disk. Services are started fresh per test (an empty cache, so a
 * fault is not hidden by an earlier answer) with whatever registry settings the fault needs.
 */
export const SAN = 'https://github.com/acme/app/.github/workflows/release.yaml@refs/tags/v1.0.0';
export const ISSUER = 'https://token.actions.githubusercontent.com';
export const POLICY = { certificateIdentity: SAN, certificateOidcIssuer: ISSUER } as const;

export interface SignedImage {
  readonly repository: string;
  readonly image: BuiltImage;
  /** `<proxy host>/<repository>:v1`, what the tests query. */
  readonly ref: string;
}

export interface FaultWorld {
  readonly proxy: FaultProxy;
  readonly sigstore: TestSigstore;
  readonly trustedRootPath: string;
  readonly images: readonly SignedImage[];
  startService(registry?: Partial<Config['registry']>, config?: Partial<Config>): Promise<FaultService>;
  /** Stops the docker-registry behind the proxy (the proxy stays: connections are dropped). */
  stopRegistry(): Promise<void>;
  /** Starts a new docker-registry, pushes the same images and signatures to it, points the proxy at it. */
  startRegistry(): Promise<void>;
  stop(): Promise<void>;
}

export interface FaultService {
  readonly url: string;
  /** `image(ref) { verification(policy) }`, by default with the policy the world's images satisfy. */
  verify(
    ref: string,
    policy?: Readonly<Record<string, unknown>>,
  ): Promise<GraphQLReply<{ image: { verification: VerificationReply } }>>;
  stop(): Promise<void>;
}

export async function startFaultWorld(repositories: readonly string[]): Promise<FaultWorld> {
  let registry: TestRegistry | undefined = await startTestRegistry();
  const proxy = await startFaultProxy(registry.url);
  const sigstore = createTestSigstore();
  const dir = await mkdtemp(join(tmpdir(), 'imprimatur-faults-'));
  const trustedRootPath = await sigstore.writeTrustedRoot(dir);
  const services = new Set<FaultService>();

  // Each repository gets its own image (a distinct architecture, so a distinct digest) and signature.
  const signed = repositories.map((repository, n) => {
    const image = buildImage({ os: 'linux', architecture: `fault${n}` });
    const ref = `${proxy.host}/${repository}:v1`;
    const identity = sigstore.issueCertificate({ san: { uri: SAN }, issuer: ISSUER });
    const signature: LegacySignatureArtifact = sigstore.signLegacy({
      imageDigest: image.digest,
      dockerReference: ref,
      identity,
    });
    return { repository, image, ref, signature };
  });
  const push = async (target: TestRegistry) => {
    for (const s of signed) {
      await pushImage(target, s.repository, s.image, 'v1');
      await pushLegacySignatures(target, s.repository, s.image.digest, [s.signature]);
    }
  };
  await push(registry);

  return {
    proxy,
    sigstore,
    trustedRootPath,
    images: signed.map(({ repository, image, ref }) => ({ repository, image, ref })),
    async startService(registryOverrides = {}, configOverrides = {}) {
      const base = testConfig({
        insecureRegistries: [proxy.host],
        config: { verification: { trustedRootPath, maxSignaturesPerDigest: 100 }, ...configOverrides },
      });
      const config: Config = { ...base, registry: { ...base.registry, ...registryOverrides } };
      const server = await createServer(config, { logger: pino({ level: 'silent' }) });
      const { url } = await server.listen();
      const service: FaultService = {
        url,
        verify: (ref, policy = POLICY) =>
          graphqlAt(url)<{ image: { verification: VerificationReply } }>(
            `query($ref: String!, $policy: PolicyInput!) {
               image(ref: $ref) { verification(policy: $policy) { ${VERIFICATION_FIELDS} } }
             }`,
            { ref, policy },
          ),
        stop: async () => {
          services.delete(service);
          await server.stop();
        },
      };
      services.add(service);
      return service;
    },
    async stopRegistry() {
      await registry?.stop();
      registry = undefined;
    },
    async startRegistry() {
      registry = await startTestRegistry();
      await push(registry);
      proxy.retarget(registry.url);
    },
    async stop() {
      for (const service of [...services]) await service.stop();
      await proxy.stop();
      await registry?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function graphqlAt(url: string) {
  return async <TData>(query: string, variables?: Record<string, unknown>): Promise<GraphQLReply<TData>> => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: TData | null; errors?: GraphQLReplyError[] };
    return { status: res.status, data: body.data, errors: body.errors };
  };
}

/** Every code the reply carries: GraphQL error codes, and the verification's and its signatures'. */
export function codesOf(reply: GraphQLReply<{ image: { verification: VerificationReply } }>): string[] {
  const v = reply.data?.image?.verification;
  return [
    ...(reply.errors ?? []).map((e) => String(e.extensions?.code)),
    ...(v?.errors ?? []).map((e) => e.code),
    ...(v?.signatures ?? []).flatMap((s) => s.errors.map((e) => e.code)),
  ];
}

/** The fault was reported, not hidden: never `verified: true`, and `code` named somewhere in the reply. */
export function expectRefusedWith(
  reply: GraphQLReply<{ image: { verification: VerificationReply } }>,
  code: string,
): void {
  expect(reply.data?.image?.verification?.verified ?? false).toBe(false);
  expect(codesOf(reply), JSON.stringify(reply.errors ?? reply.data)).toContain(code);
}

/**
 * {@link expectRecovered}, polled for at most `withinMs`: for faults the service records as permanent
 * problems (a digest mismatch, a malformed signature), whose FAILED verdict is kept for the failure TTL.
 */
export async function expectRecoveredWithin(service: FaultService, ref: string, withinMs: number) {
  const deadline = Date.now() + withinMs;
  for (let attempt = 0; attempt < 100; attempt++) {
    const reply = await service.verify(ref);
    if (reply.data?.image.verification.verified === true || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await expectRecovered(service, ref);
}

/** The service is alive and the same query verifies again: the fault is over and nothing stuck. */
export async function expectRecovered(service: FaultService, ref: string): Promise<void> {
  expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  const reply = await service.verify(ref);
  expect(reply.errors, JSON.stringify(reply.errors)).toBeUndefined();
  expect(reply.data?.image.verification).toMatchObject({ verified: true, status: 'VERIFIED' });
}
