import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { startTestRedis, type TestRedis } from '../../support/redis.js';
import {
  codesOf,
  expectRecovered,
  ISSUER,
  startFaultWorld,
  type FaultService,
  type FaultWorld,
} from './world.js';

/**
 * Redis killed (SIGKILL) while the service is using it as its cache, then started again on the same
 * port. Redis is only a cache: while it is gone the service answers from the registry, as right as
 * before (signed verifies, wrong signer does not), with every Redis call bounded by the cache timeout;
 * readiness says the cache is degraded; when Redis is back the service writes to it again.
 */
const REPOS = ['redis/warm', 'redis/cold', 'redis/after'];

/** `/readyz`: HTTP status and the cache check's state (`ok`, `degraded`). */
async function readiness(service: FaultService): Promise<{ status: number; cache: string | undefined }> {
  const res = await fetch(`${service.url}/readyz`);
  const body = (await res.json()) as { checks?: { name: string; state?: string }[] };
  return { status: res.status, cache: body.checks?.find((c) => c.name === 'cache')?.state };
}

/** Polls (bounded) until `probe` holds; returns whether it did. */
async function eventually(probe: () => Promise<boolean>, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (let attempt = 0; attempt < 200 && Date.now() < deadline; attempt++) {
    if (await probe()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return probe();
}

describe('when Redis is killed mid-run and restarted', () => {
  let world: FaultWorld;
  let redis: TestRedis;
  let service: FaultService;
  beforeAll(async () => {
    world = await startFaultWorld(REPOS);
    redis = await startTestRedis();
    // Redis alone (no memory tier in front), so every cache read really goes to Redis.
    const cache = { ...loadConfig({}).cache, url: redis.url, memoryTier: false, timeoutMs: 250 };
    service = await world.startService({}, { cache });
  });
  afterAll(async () => {
    await world?.stop();
    await redis?.stop();
  });
  const ref = (n: number) => world.images[n]!.ref;

  it('verifies through Redis while it is up, and stores what it fetched there', async () => {
    await expectRecovered(service, ref(0));
    expect(await redis.dbSize()).toBeGreaterThan(0);
    expect(await readiness(service)).toEqual({ status: 200, cache: 'ok' });
  });

  it('answers every query in flight when Redis is killed under it, from the registry', async () => {
    // Queries already running (the warm image's content is in Redis, the cold one's is not) when the
    // SIGKILL lands: a Redis call cut off mid-way is a cache miss, never an error or a wrong verdict.
    const inFlight = Array.from({ length: 16 }, (_, n) =>
      service.verify(ref(n % 2)).then((reply) => ({ reply, at: Date.now() })),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    await redis.kill();
    const killedAt = Date.now();
    const answers = await Promise.all(inFlight);
    // The kill really landed mid-run: some of these answers came after Redis was gone.
    expect(answers.filter((a) => a.at >= killedAt).length).toBeGreaterThan(0);
    for (const { reply } of answers) {
      expect(reply.errors, JSON.stringify(reply.errors)).toBeUndefined();
      expect(reply.data?.image.verification).toMatchObject({ verified: true, status: 'VERIFIED' });
    }
  });

  it('keeps answering correctly while Redis is dead: signed verifies, a wrong signer does not', async () => {
    const started = Date.now();
    // Warm in Redis before the kill, cold for the service now: both must come from the registry.
    await expectRecovered(service, ref(0));
    await expectRecovered(service, ref(1));
    // A dead cache must not turn a policy mismatch into a pass.
    const wrong = await service.verify(ref(1), {
      certificateIdentity: 'https://github.com/mallory/app/.github/workflows/release.yaml@refs/tags/v1.0.0',
      certificateOidcIssuer: ISSUER,
    });
    expect(wrong.data?.image.verification.verified).toBe(false);
    expect(codesOf(wrong)).toContain('NO_MATCHING_SIGNATURES');
    // Each Redis call is bounded by the 250 ms cache timeout, not by a TCP connect timeout.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stays ready (Redis is only a cache) but says the cache is degraded on /readyz', async () => {
    expect(await readiness(service)).toEqual({ status: 200, cache: 'degraded' });
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  });

  it('writes to Redis again once it is restarted, and readiness recovers', async () => {
    await redis.restart();
    expect(await redis.dbSize()).toBe(0);
    // Reconnection is asynchronous: poll a bounded number of cold queries until one lands in Redis.
    const stored = await eventually(async () => {
      await expectRecovered(service, ref(2));
      return (await redis.dbSize()) > 0;
    }, 15_000);
    expect(stored).toBe(true);
    expect(await eventually(async () => (await readiness(service)).cache === 'ok', 15_000)).toBe(true);
    await expectRecovered(service, ref(0));
  });
});
