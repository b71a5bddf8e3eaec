import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REGISTRY_LIMITS } from '../../../src/config/index.js';
import { startServiceProcess, type ServiceProcess } from '../../support/service-process.js';
import { startFakeRegistry, type FakeRegistry } from '../registry/fake-registry.js';

/**
 * A hostile registry serving an image index of 3000 entries that all point at manifests it does not
 * have (issue #12): one query asking to verify every entry once made 9 000 registry requests at once
 * and kept `/healthz` waiting for seconds, and a client that went away was followed by thousands more
 * (the deadline's variant is in cancellation.test.ts).
 * The service runs as its own process (default limits), so what is timed is the service, not this
 * test's fake registry sharing its event loop; what is counted is seen from the registry's side.
 */
const ENTRIES = 3000;
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const POLICY = '{ certificateIdentity: "a", certificateOidcIssuer: "b" }';

function hostileIndex(): Buffer {
  const manifests = Array.from({ length: ENTRIES }, () => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: `sha256:${randomBytes(32).toString('hex')}`,
    size: 1234,
    platform: { os: 'linux', architecture: 'amd64' },
  }));
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
}

function sendIndex(res: ServerResponse, index: Buffer): void {
  res.writeHead(200, {
    'content-type': OCI_INDEX,
    'docker-content-digest': `sha256:${createHash('sha256').update(index).digest('hex')}`,
  });
  res.end(index);
}

function notFound(res: ServerResponse): void {
  if (res.destroyed) return;
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
}

/** Every entry's signature verification, or (`attestation`) its SLSA provenance verification. */
const query = (host: string, repository: string, field = 'verification') => {
  const call =
    field === 'verification'
      ? `verification(policy: ${POLICY})`
      : `verification: attestationVerification(policy: ${POLICY}, predicateType: "slsaprovenance1")`;
  return `{ image(ref: "${host}/${repository}:latest") { manifestList { manifests { ${call} { status errors { code message } } } } } }`;
};

interface Answer {
  readonly data?: {
    image: {
      manifestList: { manifests: { verification: { status: string; errors: { code: string }[] } }[] };
    };
  } | null;
  readonly errors?: readonly { extensions?: { code?: string } }[];
}

describe('one request over a hostile 3000-entry index', () => {
  let registry: FakeRegistry;
  let service: ServiceProcess;
  const index = hostileIndex();
  /** Requests the registry holds open right now, and the most it ever held at once. */
  let open = 0;
  let peak = 0;
  /** Responses of held requests that were closed by the service (aborted), with when. */
  const abortedAt: number[] = [];
  /** How long the `slow/*` repositories hold each request before answering 404. */
  const HOLD_MS = 1_500;

  beforeAll(async () => {
    registry = await startFakeRegistry();
    registry.handle((_req, res, path) => {
      open += 1;
      peak = Math.max(peak, open);
      res.once('close', () => {
        open -= 1;
        if (!res.writableFinished) abortedAt.push(Date.now());
      });
      if (path.endsWith('/manifests/latest')) return sendIndex(res, index);
      if (path.startsWith('/v2/slow/')) return void setTimeout(() => notFound(res), HOLD_MS);
      notFound(res);
    });
    // Default limits and deadline: what is asserted is what an operator gets without tuning.
    service = await startServiceProcess({
      IMPRIMATUR_INSECURE_REGISTRIES: registry.host,
      IMPRIMATUR_REGISTRY_AUTH_FILE: '/nonexistent/imprimatur-test/config.json',
    });
  }, 60_000);
  afterAll(async () => {
    await service?.stop();
    await registry?.stop();
  });

  const post = (body: string, signal?: AbortSignal) =>
    fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: body }),
      ...(signal === undefined ? {} : { signal }),
    });
  const until = async (condition: () => boolean, ms: number) => {
    const end = Date.now() + ms;
    while (!condition() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    return condition();
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** The query over every entry, with /healthz probed throughout; what it answered and cost. */
  async function fanOut(field: string) {
    registry.requests.length = 0;
    peak = 0;
    let running = true;
    const latencies: number[] = [];
    /** When each probe started, in ms since the query was sent (for the failure message). */
    const startedAt: number[] = [];
    const queryStarted = performance.now();
    const probe = (async () => {
      while (running) {
        const started = performance.now();
        const res = await fetch(`${service.url}/healthz`);
        await res.text();
        latencies.push(performance.now() - started);
        startedAt.push(Math.round(started - queryStarted));
        await sleep(20);
      }
    })();
    const res = await post(query(registry.host, 'fan/out', field));
    const answer = (await res.json()) as Answer;
    const queryMs = Math.round(performance.now() - queryStarted);
    running = false;
    await probe;

    return { res, answer, queryMs, latencies, startedAt };
  }

  /** The slowest /healthz answers seen during a fan-out must stay under the bound. */
  function expectHealthzAnswered(latencies: number[], startedAt: number[], queryMs: number): void {
    expect(latencies.length).toBeGreaterThan(0);
    const slowest = latencies
      .map((ms, i) => ({ ms: Math.round(ms), at: startedAt[i] }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5);
    const report = slowest.map((p) => `${p.ms} ms (sent at +${p.at} ms)`).join(', ');
    expect(slowest[0]?.ms, `slowest /healthz answers: ${report}; query took ${queryMs} ms`).toBeLessThan(500);
  }

  it('stops at the request budget with bounded per-entry errors, /healthz answering in < 500 ms throughout', async () => {
    const { res, answer, queryMs, latencies, startedAt } = await fanOut('verification');
    expect(res.status).toBe(200);
    expect(answer.errors).toBeUndefined();
    const entries = answer.data?.image.manifestList.manifests ?? [];
    expect(entries).toHaveLength(ENTRIES);
    const statuses = new Map<string, number>();
    for (const { verification } of entries) {
      const key =
        verification.status === 'FAILED' ? `FAILED ${verification.errors[0]?.code}` : verification.status;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    }
    // Entries checked before the budget ran out have no signatures (the registry has nothing); every
    // later one says why it could not be checked. Nothing else, and never VERIFIED.
    expect([...statuses.keys()].sort()).toEqual(['FAILED TOO_MANY_REGISTRY_REQUESTS', 'UNSIGNED']);

    // Counted at the registry: every request the query caused, the index included.
    expect(registry.requests.length).toBeLessThanOrEqual(DEFAULT_REGISTRY_LIMITS.maxRequestsPerRequest);
    expect(registry.requests.length).toBeGreaterThan(DEFAULT_REGISTRY_LIMITS.maxRequestsPerRequest / 2);
    expect(peak).toBeLessThanOrEqual(DEFAULT_REGISTRY_LIMITS.concurrencyPerRequest);

    expectHealthzAnswered(latencies, startedAt, queryMs);

    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/^imprimatur_registry_limit_refusals_total\{limit="request_budget"\} 1$/m);
  }, 60_000);

  it("bounds every entry's attestation verification the same way: budget, concurrency, /healthz", async () => {
    const { res, answer, queryMs, latencies, startedAt } = await fanOut('attestation');
    expect(res.status).toBe(200);
    expect(answer.errors).toBeUndefined();
    const entries = answer.data?.image.manifestList.manifests ?? [];
    expect(entries).toHaveLength(ENTRIES);
    const statuses = new Set(entries.map(({ verification }) => verification.status));
    // Nothing is stored, so nothing can verify; entries past the budget say why they were not checked.
    expect(statuses.has('VERIFIED')).toBe(false);
    expect(statuses.has('VERIFIED_VIA_INDEX')).toBe(false);
    const refused = entries.filter(({ verification }) =>
      verification.errors.some((e) => e.code === 'TOO_MANY_REGISTRY_REQUESTS'),
    );
    expect(refused.length).toBeGreaterThan(0);
    expect(registry.requests.length).toBeLessThanOrEqual(DEFAULT_REGISTRY_LIMITS.maxRequestsPerRequest);
    expect(peak).toBeLessThanOrEqual(DEFAULT_REGISTRY_LIMITS.concurrencyPerRequest);
    expectHealthzAnswered(latencies, startedAt, queryMs);
  }, 60_000);

  it('starts no registry request after the client disconnects, and aborts those in flight', async () => {
    registry.requests.length = 0;
    abortedAt.length = 0;
    const client = new AbortController();
    const reply = post(query(registry.host, 'slow/gone'), client.signal).catch((error: unknown) => error);
    // The index, then one request-wide batch of held look-ups.
    const perRequest = DEFAULT_REGISTRY_LIMITS.concurrencyPerRequest;
    expect(await until(() => open === perRequest, 10_000)).toBe(true);
    const sent = registry.requests.length;
    const inFlight = open;
    const disconnected = Date.now();
    client.abort();
    await reply;
    // Well past the hold: had the queued look-ups not been cancelled, they would have gone out by now.
    await sleep(HOLD_MS + 1_000);
    expect(registry.requests.length).toBe(sent);
    expect(abortedAt).toHaveLength(inFlight);
    for (const at of abortedAt) expect(at - disconnected).toBeLessThan(1_000);
  }, 30_000);
});
