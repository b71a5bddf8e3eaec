import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { request } from 'undici';
import { loadConfig } from '../src/config/index.js';
import { createServer } from '../src/server.js';
import { benchConfig } from './service-config.js';
import { SEED_POLICY, type BenchWorld } from './world.js';

/**
 * The query every verification figure is about: what a client asks to decide whether to run an
 * image (the overall verdict and, per signature, who signed it).
 */
export const VERIFICATION_QUERY = `query($ref: String!, $policy: PolicyInput!) {
  image(ref: $ref) {
    digest
    verification(policy: $policy) {
      digest verified status
      errors { code message }
      signatures { verified identity { subjectAlternativeName issuer } signature { format } }
    }
  }
}`;

/** The POST body for `VERIFICATION_QUERY` about `ref` under the seed policy. */
export function verificationBody(ref: string): string {
  return JSON.stringify({ query: VERIFICATION_QUERY, variables: { ref, policy: SEED_POLICY } });
}

export const GRAPHQL_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/graphql-response+json, application/json',
} as const;

/** A running service under test. */
export interface BenchService {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * A fresh service (own registry client, own cache, no connections yet) in this process, configured
 * by {@link benchConfig} from `loadConfig(options.env ?? {})`.
 */
export async function startBenchService(
  world: BenchWorld,
  options: {
    /** false: IMPRIMATUR_CACHE_RESPONSES_MAX_ENTRIES=0, every query executed. */
    readonly replayAnswers?: boolean;
    /** `IMPRIMATUR_*` variables for `loadConfig`, on top of the defaults. */
    readonly env?: Readonly<Record<string, string>>;
  } = {},
): Promise<BenchService> {
  const env = { ...options.env };
  if (options.replayAnswers === false) env.IMPRIMATUR_CACHE_RESPONSES_MAX_ENTRIES = '0';
  const config = benchConfig(loadConfig(env), {
    proxyHost: world.proxy.host,
    trustedRootPath: world.trustedRootPath,
  });
  const server = await createServer(config, { logger: pino({ level: 'silent' }) });
  const { url } = await server.listen();
  return { url, stop: () => server.stop() };
}

/** The part of the answer the bench checks. */
export interface VerificationAnswer {
  readonly data?: { readonly image?: { readonly verification?: { readonly status?: string } } } | null;
  readonly errors?: readonly unknown[];
}

/**
 * Sends one verification query and returns how long it took, in ms. Throws unless the answer is a
 * clean VERIFIED: a fast wrong answer must never be counted as a fast answer.
 *
 * Sent with undici's `request`, the client the plain replay (plain-replay.ts) fetches with, so the
 * two sides of `coldLatencyRatio` pay the same client cost; `fetch()` (WHATWG streams over the same
 * undici) took about 0.7 ms more per call here, which would be counted against the service.
 */
export async function timedVerification(serviceUrl: string, ref: string): Promise<number> {
  const startedAt = performance.now();
  const res = await request(`${serviceUrl}/graphql`, {
    method: 'POST',
    headers: GRAPHQL_HEADERS,
    body: verificationBody(ref),
  });
  const body = (await res.body.json()) as VerificationAnswer;
  const elapsed = performance.now() - startedAt;
  assertVerified(ref, res.statusCode, body);
  return elapsed;
}

export function assertVerified(ref: string, status: number, body: VerificationAnswer): void {
  const verdict = body.data?.image?.verification?.status;
  if (
    status !== 200 ||
    body.errors !== undefined ||
    (verdict !== 'VERIFIED' && verdict !== 'VERIFIED_VIA_INDEX')
  ) {
    throw new Error(
      `verification of ${ref} did not succeed: HTTP ${status} ${JSON.stringify(body).slice(0, 500)}`,
    );
  }
}
