import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../support/redis.js';
import { POLICY, startFaultWorld, type FaultWorld } from '../faults/world.js';
import { startReplica, type ReplicaProcess } from './replica-process.js';
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy.js';

/**
 * What the production overlay (deploy/overlays/production) promises, shown on this machine: three
 * service processes sharing one real redis-server behind a round-robin proxy, the real
 * docker-registry behind a proxy that records every request the replicas make of it.
 */
const REPOS = [
  'replicas/shared',
  'replicas/stampede',
  'replicas/outage',
  'replicas/after-outage',
  'replicas/kill',
];

const QUERY = `query($ref: String!, $policy: PolicyInput!) {
  image(ref: $ref) { verification(policy: $policy) { verified status } }
}`;

/** The verdict's status as one replica (or the proxy) answers it; anything else is a failure string. */
async function verdictAt(url: string, ref: string): Promise<string> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY, variables: { ref, policy: POLICY } }),
  });
  if (res.status !== 200) return `HTTP ${res.status}`;
  const body = (await res.json()) as {
    data?: { image?: { verification?: { status?: string } } };
    errors?: { message: string }[];
  };
  return body.errors === undefined
    ? String(body.data?.image?.verification?.status)
    : JSON.stringify(body.errors);
}

async function cacheState(url: string): Promise<string | undefined> {
  const body = (await (await fetch(`${url}/readyz`)).json()) as {
    checks?: { name: string; state?: string }[];
  };
  return body.checks?.find((c) => c.name === 'cache')?.state;
}

/** One series of a replica's `/metrics` (0 when not written yet). */
async function metric(url: string, series: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

async function eventually(condition: () => Promise<boolean>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('three replicas sharing one Redis', () => {
  let world: FaultWorld;
  let redis: TestRedis;
  let replicas: ReplicaProcess[] = [];
  let balancer: RoundRobinProxy;
  /** By digest: every entry such a query needs is shared through Redis (tag resolutions are not). */
  const ref = (n: number) => {
    const image = world.images[n]!;
    return `${world.proxy.host}/${image.repository}@${image.image.digest}`;
  };
  const registryRequests = () => world.proxy.requests.length;
  /** Until Redis holds entries and their number stopped changing (bounded): writes in flight landed. */
  const writesLanded = async () => {
    let last = -1;
    await eventually(async () => {
      const now = await redis.dbSize();
      const settled = now > 0 && now === last;
      last = now;
      await new Promise((resolve) => setTimeout(resolve, 100));
      return settled;
    }, 5_000);
  };

  beforeAll(async () => {
    [world, redis] = await Promise.all([startFaultWorld(REPOS), startTestRedis()]);
    const env = {
      IMPRIMATUR_CACHE_URL: redis.url,
      IMPRIMATUR_TRUSTED_ROOT: world.trustedRootPath,
      IMPRIMATUR_INSECURE_REGISTRIES: world.proxy.host,
      IMPRIMATUR_REGISTRY_MAX_RETRIES: '1',
      IMPRIMATUR_REGISTRY_RETRY_BASE_MS: '10',
      // Two cores shared with the test runner and three replicas: a Redis answer can wait behind a
      // busy event loop for longer than the 250 ms default, which would count as an outage.
      IMPRIMATUR_CACHE_TIMEOUT_MS: '2000',
    };
    replicas = await Promise.all([startReplica(env), startReplica(env), startReplica(env)]);
    balancer = await startRoundRobinProxy(replicas.map((r) => r.url));
    await eventually(
      async () => (await Promise.all(replicas.map((r) => cacheState(r.url)))).every((s) => s === 'ok'),
      10_000,
    );
  }, 60_000);
  afterAll(async () => {
    await balancer?.stop();
    await Promise.all(replicas.map((r) => r.kill('SIGKILL')));
    await world?.stop();
    await redis?.stop();
  });

  /** Registry requests of one cold verification of one of these images (measured in the first test). */
  let oneFetchSet = 0;

  it('serves a verdict computed by one replica from the others without a registry request', async () => {
    expect(await verdictAt(replicas[0]!.url, ref(0))).toBe('VERIFIED');
    oneFetchSet = registryRequests();
    expect(oneFetchSet).toBeGreaterThan(0);
    // The first replica's Redis writes do not hold its answer back; let them land.
    await writesLanded();
    expect(await verdictAt(replicas[1]!.url, ref(0))).toBe('VERIFIED');
    expect(await verdictAt(replicas[2]!.url, ref(0))).toBe('VERIFIED');
    expect(registryRequests()).toBe(oneFetchSet);
  });

  it('answers 100 identical cold queries spread over the three with one set of registry requests', async () => {
    const before = registryRequests();
    const answeredBefore = balancer.answeredBy.length;
    const verdicts = await Promise.all(Array.from({ length: 100 }, () => verdictAt(balancer.url, ref(1))));
    expect(new Set(verdicts)).toEqual(new Set(['VERIFIED']));
    // Every replica took its share of the burst…
    const by = balancer.answeredBy.slice(answeredBefore);
    expect([0, 1, 2].map((i) => by.filter((b) => b === i).length)).toEqual([34, 33, 33]);
    // …and the registry saw one cold verification's requests, each path once.
    const seen = world.proxy.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    expect(seen.length, seen.join('\n')).toBe(oneFetchSet);
    expect(new Set(seen).size).toBe(seen.length);
    // /metrics says how: the other replicas waited on a lease instead of fetching.
    const waited = await Promise.all(
      replicas.map((r) => metric(r.url, 'imprimatur_cache_fetch_leases_total{outcome="waited"}')),
    );
    expect(waited.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('keeps answering while Redis restarts under load, each replica on its own, and shares again after', async () => {
    const answers: Promise<string>[] = [];
    const load = (async () => {
      for (let n = 0; n < 30; n += 1) {
        answers.push(verdictAt(balancer.url, ref(2)));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await redis.kill();
    // Degraded, not failing: every replica notices, stays ready, and answers from memory and the registry.
    await eventually(
      async () => (await Promise.all(replicas.map((r) => cacheState(r.url)))).every((s) => s === 'degraded'),
      5_000,
    );
    await load;
    expect(new Set(await Promise.all(answers))).toEqual(new Set(['VERIFIED']));
    await redis.restart();
    await eventually(
      async () => (await Promise.all(replicas.map((r) => cacheState(r.url)))).every((s) => s === 'ok'),
      15_000,
    );
    // Recovered: what one replica fetches now, the others read from Redis again.
    expect(await verdictAt(replicas[0]!.url, ref(3))).toBe('VERIFIED');
    const after = registryRequests();
    await writesLanded();
    expect(await verdictAt(replicas[1]!.url, ref(3))).toBe('VERIFIED');
    expect(await verdictAt(replicas[2]!.url, ref(3))).toBe('VERIFIED');
    expect(registryRequests()).toBe(after);
  });

  it('loses no request when one replica is killed mid-load, and the other two keep serving', async () => {
    const answeredBefore = balancer.answeredBy.length;
    const answers: Promise<string>[] = [];
    let killedAfter = -1;
    for (let n = 0; n < 60; n += 1) {
      // Cold and warm queries mixed, a few at a time, as a service sees them.
      answers.push(verdictAt(balancer.url, ref(n % 2 === 0 ? 4 : 0)));
      if (n === 20) {
        void replicas[2]!.kill('SIGKILL');
        killedAfter = balancer.answeredBy.length;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const verdicts = await Promise.all(answers);
    expect(verdicts.filter((v) => v !== 'VERIFIED')).toEqual([]);
    expect(balancer.failed).toBe(0);
    // The dead replica was really asked (and the request answered by another), not just skipped.
    expect(balancer.retried).toBeGreaterThan(0);
    expect(replicas[2]!.exited).toBe(true);
    const afterKill = balancer.answeredBy.slice(Math.max(killedAfter, answeredBefore) + 5);
    expect(afterKill.length).toBeGreaterThan(20);
    expect(afterKill.every((i) => i !== 2)).toBe(true);
    expect(new Set(afterKill)).toEqual(new Set([0, 1]));
  });
});
