import autocannon from 'autocannon';
import { ISSUER, SAN, type SoakImage } from './world.js';

/**
 * The soak's traffic: one autocannon run of mixed queries, each answer checked.
 *
 * - **warm** (the rest): a few hot images under the exact publisher policy, the same few again and
 *   again, so the service answers from its caches;
 * - **cold** (`coldPercent`): every image in turn, each time under a policy no request used before
 *   (an identity regexp with a unique never-matching alternative), so the verdict cache misses and the
 *   signature is verified again, and tag/listing look-ups expire while the soak runs;
 * - among the cold ones, one in five asks for a signer nobody used: that must never verify.
 *
 * An answer counts as wrong when it is not HTTP 200, carries GraphQL errors, or has another status
 * than the one expected (VERIFIED / UNSIGNED / FAILED). A `verified: true` where false was expected is
 * counted separately: one is enough to fail the soak.
 */
export interface LoadOptions {
  readonly url: string;
  readonly images: readonly SoakImage[];
  readonly seconds: number;
  readonly connections: number;
  readonly coldPercent: number;
}

export interface LoadResult {
  readonly total: number;
  readonly cold: number;
  readonly warm: number;
  /** Not 2xx, socket errors and timeouts, as autocannon counts them. */
  readonly transportErrors: number;
  /** 2xx answers with GraphQL errors or an unexpected verification status. */
  readonly wrongAnswers: number;
  readonly falseVerified: number;
  readonly errorRate: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly requestsPerSecond: number;
  /** The first few wrong answers, for the report. */
  readonly samples: readonly string[];
}

const QUERY = `query($ref: String!, $policy: PolicyInput!) {
  image(ref: $ref) { digest verification(policy: $policy) { verified status errors { code } } }
}`;
const WRONG_SIGNER = 'https://github.com/mallory/app/.github/workflows/release.yaml@refs/tags/v1.0.0';
const HOT = 4;

type Expected = 'VERIFIED' | 'UNSIGNED' | 'FAILED';
interface Planned {
  readonly body: string;
  readonly expected: Expected;
  readonly cold: boolean;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const signed = options.images.filter((i) => i.signed);
  const hot = signed.slice(0, HOT);
  let sequence = 0;
  let cold = 0;
  let wrongAnswers = 0;
  let falseVerified = 0;
  const samples: string[] = [];

  const plan = (): Planned => {
    const n = sequence++;
    if (n % 100 >= options.coldPercent) {
      const image = hot[n % hot.length]!;
      const policy = { certificateIdentity: SAN, certificateOidcIssuer: ISSUER };
      return {
        body: JSON.stringify({ query: QUERY, variables: { ref: image.ref, policy } }),
        expected: 'VERIFIED',
        cold: false,
      };
    }
    cold++;
    const image = options.images[cold % options.images.length]!;
    const wrongSigner = cold % 5 === 0;
    const identity = wrongSigner ? WRONG_SIGNER : SAN;
    const policy = {
      certificateIdentityRegexp: `^${escapeRegExp(identity)}$|^soak-never-${n}$`,
      certificateOidcIssuer: ISSUER,
    };
    const expected: Expected = !image.signed ? 'UNSIGNED' : wrongSigner ? 'FAILED' : 'VERIFIED';
    return {
      body: JSON.stringify({ query: QUERY, variables: { ref: image.ref, policy } }),
      expected,
      cold: true,
    };
  };

  const check = (status: number, body: string, expected: Expected) => {
    let reason: string | undefined;
    try {
      const reply = JSON.parse(body) as {
        errors?: unknown[];
        data?: { image?: { verification?: { verified?: boolean; status?: string } } };
      };
      const v = reply.data?.image?.verification;
      if (v?.verified === true && expected !== 'VERIFIED') falseVerified++;
      if (status !== 200) reason = `HTTP ${status}`;
      else if (reply.errors !== undefined) reason = `errors ${JSON.stringify(reply.errors)}`;
      else if (v?.status !== expected) reason = `expected ${expected}, got ${JSON.stringify(v)}`;
    } catch {
      reason = `unparseable body (HTTP ${status})`;
    }
    if (reason === undefined) return;
    wrongAnswers++;
    if (samples.length < 5) samples.push(reason.slice(0, 300));
  };

  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.seconds,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            path: '/graphql',
            headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
            setupRequest: (request, context) => {
              const planned = plan();
              (context as { expected?: Expected }).expected = planned.expected;
              return { ...request, body: planned.body };
            },
            onResponse: (status, body, context) =>
              check(status, body, (context as { expected: Expected }).expected),
          },
        ],
      },
      (error, result) => {
        if (error !== null && error !== undefined) return reject(error);
        const transportErrors = result.non2xx + result.errors + result.timeouts;
        const total = result.requests.total;
        resolve({
          total,
          cold,
          warm: sequence - cold,
          transportErrors,
          wrongAnswers,
          falseVerified,
          // A non-2xx answer is also a wrong answer; count it once.
          errorRate: total === 0 ? 1 : (result.errors + result.timeouts + wrongAnswers) / total,
          latencyP50Ms: result.latency.p50,
          latencyP99Ms: result.latency.p99,
          requestsPerSecond: result.requests.average,
          samples,
        });
      },
    );
  });
}
