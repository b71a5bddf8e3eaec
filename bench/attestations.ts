import { Agent, request } from 'undici';
import { GRAPHQL_HEADERS, startBenchService } from './service.js';
import { SEED_POLICY, type BenchWorld } from './world.js';

/**
 * The attestation query against the same targets as signatures: on a fresh service, one cold query
 * makes no more registry requests than {@link ATTESTATION_MINIMUM_REQUESTS}; the same query again
 * makes none; a herd of identical cold queries makes what one does.
 */
export const ATTESTATION_QUERY = `query($ref: String!, $policy: PolicyInput!) {
  image(ref: $ref) {
    attestations { source predicateType }
    attestationVerification(policy: $policy, predicateType: "slsaprovenance1") {
      verified status attestations { verified identity { subjectAlternativeName } }
    }
  }
}`;

/**
 * Strictly needed for `bench/attested:v1` (one `.att` layer, one bundle referrer, no referrers API):
 * written out by hand, as bench/registry-minimum.ts does for signatures. Not needed: the `.sig` tag
 * (no signature was asked for), anything inside the image.
 */
export const ATTESTATION_MINIMUM_REQUESTS: readonly string[] = [
  'GET manifests/v1 (the tag; its bytes give the digest)',
  'GET manifests/sha256-<hex>.att (legacy attestations)',
  'GET blobs/<.att layer> (the DSSE envelope)',
  'GET referrers/sha256:<hex> (must be asked before the fallback may be read)',
  'GET manifests/sha256-<hex> (the referrers fallback tag)',
  'GET manifests/<bundle referrer>',
  'GET blobs/<bundle>',
];
export const ATTESTATION_MINIMUM = ATTESTATION_MINIMUM_REQUESTS.length;
export const ATTESTATION_STAMPEDE_QUERIES = 50;

export interface AttestationFigures {
  readonly cold: number;
  readonly warm: number;
  readonly stampede: number;
  readonly stampedeFailures: number;
}

interface Answer {
  readonly data?: {
    readonly image?: { readonly attestationVerification?: { readonly status?: string } };
  } | null;
  readonly errors?: readonly unknown[];
}

async function ask(url: string, ref: string, agent?: Agent): Promise<void> {
  const res = await request(`${url}/graphql`, {
    method: 'POST',
    headers: GRAPHQL_HEADERS,
    body: JSON.stringify({ query: ATTESTATION_QUERY, variables: { ref, policy: SEED_POLICY } }),
    ...(agent === undefined ? {} : { dispatcher: agent }),
  });
  const body = (await res.body.json()) as Answer;
  // A fast wrong answer is never counted: only a clean VERIFIED passes.
  if (
    res.statusCode !== 200 ||
    body.errors !== undefined ||
    body.data?.image?.attestationVerification?.status !== 'VERIFIED'
  ) {
    throw new Error(`attestation query of ${ref} did not verify: ${JSON.stringify(body).slice(0, 400)}`);
  }
}

export async function measureAttestations(world: BenchWorld): Promise<AttestationFigures> {
  const service = await startBenchService(world, { replayAnswers: false });
  let cold: number;
  let warm: number;
  try {
    world.proxy.reset();
    await ask(service.url, world.attestedRef);
    cold = world.proxy.arrived();
    world.proxy.reset();
    await ask(service.url, world.attestedRef);
    warm = world.proxy.arrived();
  } finally {
    await service.stop();
  }
  const herd = await startBenchService(world, { replayAnswers: false });
  const agent = new Agent({ connections: ATTESTATION_STAMPEDE_QUERIES });
  try {
    world.proxy.reset();
    const outcomes = await Promise.allSettled(
      Array.from({ length: ATTESTATION_STAMPEDE_QUERIES }, () => ask(herd.url, world.attestedRef, agent)),
    );
    return {
      cold,
      warm,
      stampede: world.proxy.arrived(),
      stampedeFailures: outcomes.filter((o) => o.status === 'rejected').length,
    };
  } finally {
    await agent.close();
    await herd.stop();
  }
}
