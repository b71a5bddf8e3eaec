import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRecovered, expectRefusedWith, startFaultWorld, type FaultWorld } from './world.js';

/**
 * A registry that is down, slow, flapping or rate limiting, through the service's GraphQL endpoint.
 * Each case: a fresh service (empty cache), the fault, a refusal with a code and never `verified:
 * true`, then the fault ends and the same query verifies again on the same, still running service.
 */
const REPOS = [
  'faults/down',
  'faults/slow',
  'faults/flap',
  'faults/five',
  'faults/wait',
  'faults/busy',
  'faults/stall',
  'faults/partial',
  ...Array.from({ length: 8 }, (_, n) => `faults/flight-${n}`),
];
const isManifest = (_method: string, path: string) => /\/manifests\/v1$/.test(path);

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 10_000) throw new Error('timed out waiting for the proxy to see the request');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('when the registry misbehaves', () => {
  let world: FaultWorld;
  beforeAll(async () => {
    world = await startFaultWorld(REPOS);
  });
  afterAll(async () => {
    await world?.stop();
  });
  const ref = (n: number) => world.images[n]!.ref;

  describe('and the docker-registry is stopped mid-run', () => {
    it('answers REGISTRY_UNAVAILABLE while it is gone, and verifies again once it is back', async () => {
      const service = await world.startService();
      // Mid-run: the service has already verified one image against this registry.
      await expectRecovered(service, ref(1));
      await world.stopRegistry();
      try {
        const reply = await service.verify(ref(0));
        expectRefusedWith(reply, 'REGISTRY_UNAVAILABLE');
        expect(reply.errors?.[0]?.extensions?.retryable).toBe(true);
        // A burst of queries for images it has not seen during the outage: every one refused, no crash.
        const burst = await Promise.all(
          Array.from({ length: 20 }, (_, n) => service.verify(ref(n % 2 === 0 ? 0 : 2))),
        );
        for (const answer of burst) expectRefusedWith(answer, 'REGISTRY_UNAVAILABLE');
        expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
      } finally {
        await world.startRegistry();
      }
      await expectRecovered(service, ref(0));
    });
  });

  describe('and the docker-registry is stopped while queries are in the middle of discovery', () => {
    it('refuses each one with REGISTRY_UNAVAILABLE, never UNSIGNED, and all verify once it is back', async () => {
      const service = await world.startService();
      const flights = world.images.filter((i) => i.repository.startsWith('faults/flight-'));
      // Every query gets as far as the signature payload (the .sig listing is read), which the proxy
      // holds; the registry is stopped while all of them wait there, then they are let through.
      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      const isPayload = (_m: string, path: string) => /^\/v2\/faults\/flight-\d+\/blobs\//.test(path);
      world.proxy.inject({ match: isPayload, fault: { kind: 'hold', release: released } });
      const inFlight = flights.map((i) => service.verify(i.ref));
      const held = () => world.proxy.requests.filter((r) => r.faulted).length;
      for (let n = 0; n < 100 && held() < flights.length; n++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(held()).toBe(flights.length);
      await world.stopRegistry();
      release();
      try {
        for (const reply of await Promise.all(inFlight)) {
          // Half a discovery (the listing read, the payload not) must not read as "no signatures".
          expect(reply.data?.image?.verification?.status).not.toBe('UNSIGNED');
          expectRefusedWith(reply, 'REGISTRY_UNAVAILABLE');
        }
      } finally {
        world.proxy.heal();
        await world.startRegistry();
      }
      for (const i of flights) await expectRecovered(service, i.ref);
    });
  });

  describe('and it answers only after the request timeout', () => {
    it('gives up after one timeout with REGISTRY_TIMEOUT, then verifies once it is fast again', async () => {
      const service = await world.startService({ requestTimeoutMs: 300, maxRetries: 2 });
      world.proxy.inject({ match: isManifest, fault: { kind: 'hang' } });
      const started = Date.now();
      const reply = await service.verify(ref(1));
      const elapsed = Date.now() - started;
      expectRefusedWith(reply, 'REGISTRY_TIMEOUT');
      // One attempt of 300 ms, not the 15 s default or a hang. Timeouts are deliberately not retried
      // (src/registry/transport/http-client.ts): retrying would multiply the caller's wait.
      expect(elapsed).toBeGreaterThanOrEqual(300);
      expect(elapsed).toBeLessThan(5_000);
      expect(world.proxy.requests.filter((r) => r.faulted)).toHaveLength(1);
      world.proxy.heal();
      await expectRecovered(service, ref(1));
    });
  });

  describe('and it sends the headers at once but stalls in the body', () => {
    it('times out on the body too with REGISTRY_TIMEOUT, then verifies once it flows again', async () => {
      const service = await world.startService({ requestTimeoutMs: 300 });
      world.proxy.inject({ match: isManifest, fault: { kind: 'stall' } });
      const started = Date.now();
      const reply = await service.verify(ref(6));
      expectRefusedWith(reply, 'REGISTRY_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(5_000);
      world.proxy.heal();
      await expectRecovered(service, ref(6));
    });
  });

  describe('and it flaps: one 503, then OK', () => {
    it('retries and verifies, the caller never seeing the 503', async () => {
      const service = await world.startService();
      world.proxy.inject({ match: isManifest, fault: { kind: 'status', status: 503 }, times: 1 });
      const reply = await service.verify(ref(2));
      expect(reply.errors).toBeUndefined();
      expect(reply.data?.image.verification).toMatchObject({ verified: true, status: 'VERIFIED' });
      const manifestRequests = world.proxy.requests.filter((r) => isManifest(r.method, r.path));
      expect(manifestRequests.map((r) => r.faulted)).toEqual([true, false]);
    });
  });

  describe('and it answers 503 to every attempt', () => {
    it('answers REGISTRY_UNAVAILABLE marked retryable, then verifies once the registry recovers', async () => {
      const service = await world.startService({ maxRetries: 2 });
      world.proxy.inject({ match: isManifest, fault: { kind: 'status', status: 503 } });
      const reply = await service.verify(ref(3));
      expectRefusedWith(reply, 'REGISTRY_UNAVAILABLE');
      expect(reply.errors?.[0]?.extensions?.retryable).toBe(true);
      expect(world.proxy.requests.filter((r) => r.faulted)).toHaveLength(3);
      world.proxy.heal();
      await expectRecovered(service, ref(3));
    });
  });

  describe('and the referrers listing fails after the legacy signature has been read', () => {
    it('answers REGISTRY_UNAVAILABLE: the signature that verified does not make the half-checked digest VERIFIED', async () => {
      // Signatures of each format are verified as soon as that format is found (VerificationService),
      // so here the legacy one verifies while the listing is still held; the listing then fails.
      const service = await world.startService({ maxRetries: 1 });
      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      world.proxy.inject({
        match: (_method, path) => path.includes('/referrers/'),
        fault: { kind: 'hold', release: released, thenStatus: 503 },
      });
      const reply = service.verify(ref(7));
      await until(() => world.proxy.requests.some((r) => r.path.includes('/blobs/')));
      // Time for the layer to arrive and its signature to be verified meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 300));
      release();
      expectRefusedWith(await reply, 'REGISTRY_UNAVAILABLE');
      world.proxy.heal();
      await expectRecovered(service, ref(7));
    });
  });

  describe('and it answers 429 with a short Retry-After', () => {
    it('waits as long as it was told, retries once and verifies', async () => {
      const service = await world.startService({ maxRetryAfterMs: 2_000 });
      world.proxy.inject({
        match: isManifest,
        fault: { kind: 'status', status: 429, headers: { 'retry-after': '1' } },
        times: 1,
      });
      const reply = await service.verify(ref(4));
      expect(reply.errors).toBeUndefined();
      expect(reply.data?.image.verification.verified).toBe(true);
      const [limited, retried] = world.proxy.requests.filter((r) => isManifest(r.method, r.path));
      expect(limited?.faulted).toBe(true);
      // Retry-After: 1 is one second; allow for timer granularity, not for an early retry.
      expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(950);
    });
  });

  describe('and it answers 429 with a Retry-After longer than the service will wait', () => {
    it('answers REGISTRY_RATE_LIMITED at once instead of holding the caller, then verifies later', async () => {
      const service = await world.startService({ maxRetryAfterMs: 1_000 });
      world.proxy.inject({
        match: isManifest,
        fault: { kind: 'status', status: 429, headers: { 'retry-after': '120' } },
      });
      const started = Date.now();
      const reply = await service.verify(ref(5));
      expectRefusedWith(reply, 'REGISTRY_RATE_LIMITED');
      expect(Date.now() - started).toBeLessThan(5_000);
      world.proxy.heal();
      await expectRecovered(service, ref(5));
    });
  });
});
